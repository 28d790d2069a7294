{
  description = "A miniature nanna-coder repository: its two images, built offline from one static program";

  # No inputs: no nixpkgs, no nix2container, no network. The builder of
  # every derivation is bin/nanna-project-<system>, the static Go program
  # of internal/fixtures/testflake/program, which testflake.Copy builds
  # (see README.md). Systems without a program in bin/ get no packages, so
  # the flake evaluates (and `nix flake check` passes) with just the
  # program for this machine.
  outputs = { self }:
    let
      containerConfig = import ./nix/container-config.nix;
      systems = builtins.filter (system: builtins.pathExists (program system)) [ "x86_64-linux" "aarch64-linux" ];
      program = system: ./bin + "/nanna-project-${system}";

      forSystem = system:
        let
          /** $out/bin/nanna-project and $out/bin/<tool> linked to it. */
          tools = tool: builtins.derivation {
            name = "nanna-project-${tool}";
            inherit system;
            builder = program system;
            args = [ "install" tool ];
          };

          /** A nix2container image JSON whose one layer puts the tools
              at the root (/bin/<tool>), with nix2container's passthru. */
          image = { key, tool, cmd }:
            builtins.derivation {
              name = "image-${containerConfig.images.${key}}.json";
              inherit system;
              builder = program system;
              args = [ "image" ];
              tools = tools tool;
              cmd = builtins.toJSON cmd;
              title = "nanna-coder ${key} (test stand-in)";
            } // {
              imageName = containerConfig.images.${key};
              imageTag = containerConfig.tags.default;
            };
        in
        rec {
          harnessImage = image { key = "harness"; tool = "harness"; cmd = [ "/bin/harness" ]; };
          ollamaImage = image { key = "ollama"; tool = "ollama"; cmd = [ "/bin/ollama" "serve" ]; };
          default = harnessImage;
        };
    in
    {
      packages = builtins.listToAttrs (map (system: { name = system; value = forSystem system; }) systems);
    };
}
