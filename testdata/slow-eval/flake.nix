{
  description = "A test flake whose evaluation alone takes seconds; its package is a tiny nix2container image";

  # No inputs, builds offline. The builder is bin/nanna-project-<system>,
  # the static Go program of internal/fixtures/testflake/program (see
  # README.md). Evaluating the image's derivation runs `work` (work.nix), a
  # pure computation of `rounds` × `rounds` integer steps (about 2 s at 3500
  # on a 2-core x86_64 machine), whose result is an environment variable of
  # the image: so every `nix build` pays the evaluation, even when the
  # image is in the store already, and the build itself is instant.
  outputs = { self }:
    let
      work = import ./work.nix { rounds = 3500; };

      program = system: ./bin + "/nanna-project-${system}";
      systems = builtins.filter (system: builtins.pathExists (program system)) [ "x86_64-linux" "aarch64-linux" ];

      forSystem = system:
        let
          tools = builtins.derivation {
            name = "nanna-project-harness";
            inherit system;
            builder = program system;
            args = [ "install" "harness" ];
          };
          image = builtins.derivation {
            name = "image-nanna-coder-slow-eval.json";
            inherit system tools;
            builder = program system;
            args = [ "image" ];
            cmd = builtins.toJSON [ "/bin/harness" ];
            title = "nanna-coder slow-eval (test stand-in)";
            work = toString work;
          } // {
            imageName = "nanna-coder-slow-eval";
            imageTag = "latest";
          };
        in
        { inherit image; default = image; };
    in
    {
      packages = builtins.listToAttrs (map (system: { name = system; value = forSystem system; }) systems);
    };
}
