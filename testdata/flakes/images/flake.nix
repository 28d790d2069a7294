{
  description = "Test flake without inputs: stand-ins for nanna-coder's nix2container images";

  # No inputs, so it evaluates and builds offline. The builders use /bin/sh
  # from the host, so builds need `sandbox = false` (Debian's nix-bin
  # default); the tests set it through NIX_CONFIG.
  outputs = { self }:
    let
      system = "x86_64-linux";

      /** A derivation whose output is the file `json` next to this flake,
          carrying nix2container's passthru attributes imageName and
          imageTag. The JSON files are copies of the nix2container
          fixtures (cases/layered and cases/basic), whose store paths the
          fixture install script puts into /nix/store. */
      fakeImage = { name, json }:
        builtins.derivation {
          name = "image-${name}.json";
          inherit system;
          builder = "/bin/sh";
          args = [ "-c" ''printf '%s' "$json" > "$out"'' ];
          json = builtins.readFile json;
        } // {
          imageName = name;
          imageTag = "latest";
        };
    in
    {
      packages.${system} = {
        ollamaImage = fakeImage { name = "nanna-coder-ollama"; json = ./ollama.json; };
        harnessImage = fakeImage { name = "nanna-coder-harness"; json = ./harness.json; };

        /** A derivation without imageName/imageTag. */
        notAnImage = builtins.derivation {
          name = "not-an-image";
          inherit system;
          builder = "/bin/sh";
          args = [ "-c" ''echo plain > "$out"'' ];
        };

        /** A build that logs 40 lines to stderr and fails. */
        broken = builtins.derivation {
          name = "broken";
          inherit system;
          builder = "/bin/sh";
          args = [ "-c" ''
            i=1
            while [ "$i" -le 40 ]; do
              echo "broken build log line $i" >&2
              i=$((i + 1))
            done
            exit 1
          '' ];
        };
      };
    };
}
