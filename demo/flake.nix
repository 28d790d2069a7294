{
  description = "nanna-coder's offline demo: a small image built by Nix with no inputs";

  # `go tool mage demo` builds bin/nanna-demo-<system> (a static Go program,
  # internal/demo/program) and then this flake with `nix build`. The program
  # is the builder of both derivations, so nothing else is needed: no
  # nixpkgs, no network, and it builds with or without the Nix sandbox.
  outputs = { self }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forSystem = system:
        let
          program = ./bin + "/nanna-demo-${system}";
          hello = builtins.derivation {
            name = "nanna-demo-hello";
            inherit system;
            builder = program;
            args = [ "install" ];
          };
          image = builtins.derivation {
            name = "image-nanna-coder-demo.json";
            inherit system hello;
            builder = program;
            args = [ "image" ];
          } // {
            # nix2container's passthru, which the loader reads for the tag.
            imageName = "nanna-coder-demo";
            imageTag = "latest";
          };
        in
        { inherit hello image; default = image; };
    in
    {
      packages = builtins.listToAttrs (map (system: { name = system; value = forSystem system; }) systems);
    };
}
