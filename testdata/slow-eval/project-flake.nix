{
  description = "testdata/project whose images take seconds to evaluate: the flake of internal/bench's slow project";

  # Not a flake here: internal/bench (bench:pipeline) makes a copy of
  # testdata/project, renames its flake.nix to project.nix, puts work.nix
  # beside it and this file in its place as flake.nix. Every package is
  # then testdata/project's, evaluated only after `work` (about 2 s): the
  # same derivations, the same store paths, the same images, except for
  # imageTag, "bench-pipeline", so that a benchmark run does not replace a
  # developer's nanna-coder-*:latest. No inputs; builds offline.
  outputs = { self }:
    let
      project = (import ./project.nix).outputs { inherit self; };
      work = import ./work.nix { rounds = 3500; };
      slow = _: drv: builtins.seq work (drv // { imageTag = "bench-pipeline"; });
    in
    {
      packages = builtins.mapAttrs (_: builtins.mapAttrs slow) project.packages;
    };
}
