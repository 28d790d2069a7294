{
  description = ''
    Test flake for models:pin: a model fetched with curl from a registry
    into Ollama's layout ($out/models/manifests/registry.ollama.ai/<ns>/<model>/<tag>
    and $out/models/blobs/sha256-<hex>), as a recursive fixed-output
    derivation whose hash is the one models:pin wrote.

    The test copies this file into a temporary directory next to the
    pinned models.nix and a params.json it writes:
      { "registry": "http://127.0.0.1:<port>", "key": "tiny", "nonce": "<unique>" }
    The nonce goes into the derivation name, so every build is a real
    download rather than a store path left by an earlier run. The builder
    is the host's /bin/sh with /usr/bin/curl: build with sandbox = false.
  '';

  outputs = { self }:
    let
      params = builtins.fromJSON (builtins.readFile ./params.json);
      info = (import ./models.nix).${params.key};

      # "[namespace/]model[:tag]", with Ollama's defaults.
      parts = builtins.match "(([^/:]+)/)?([^/:]+)(:([^/:]+))?" info.name;
      orDefault = i: default: let v = builtins.elemAt parts i; in if v == null then default else v;
      namespace = orDefault 1 "library";
      model = builtins.elemAt parts 2;
      tag = orDefault 4 "latest";

      fetch = system: derivation {
        name = "${params.key}-model-${params.nonce}";
        inherit system tag;
        builder = "/bin/sh";
        args = [ "-eu" "-c" script ];
        outputHash = info.hash;
        outputHashMode = "recursive";
        outputHashAlgo = "sha256";
        registry = params.registry;
        repository = "${namespace}/${model}";
        manifestDir = "registry.ollama.ai/${namespace}/${model}";
      };

      script = ''
        PATH=/usr/bin:/bin
        m=$out/models
        mkdir -p "$m/blobs" "$m/manifests/$manifestDir"
        manifest=$m/manifests/$manifestDir/$tag
        curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
          -o "$manifest" "$registry/v2/$repository/manifests/$tag"
        for d in $(grep -o 'sha256:[0-9a-f]\{64\}' "$manifest" | sort -u); do
          curl -fsS -o "$m/blobs/sha256-''${d#sha256:}" "$registry/v2/$repository/blobs/$d"
        done
      '';

      systems = [ "x86_64-linux" "aarch64-linux" ];
    in
    {
      packages = builtins.listToAttrs (map (system: { name = system; value = { model = fetch system; }; }) systems);
    };
}
