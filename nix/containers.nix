/**
  nanna-coder's container images, built with nix2container.

  Returns:
  - `ollamaImage`   (`nanna-coder-ollama`): the Ollama server.
  - `harnessImage`  (`nanna-coder-harness`): the harness CLI.
  - `modelRegistry`: the models that get an image of their own
                     (./models.nix).
  - `models`:     `<key>-model`, one derivation per model holding Ollama's
                  model store (`/models`).
  - `containers`: `<key>-container` (`nanna-coder-ollama-<key>`), the Ollama
                  image with that model baked in.

  Image names, the tag, maxLayers and the creation date come from
  ./container-config.nix, which the Go build tool reads too, so the names
  the tool loads and tags are the names built here.
*/
{ pkgs
, # nix2container's package set entry: nix2container.packages.${system}.nix2container
  nix2container
, # the harness package (./harness.nix)
  harness
, containerConfig ? import ./container-config.nix
, # the models that get an image of their own: name, hash, size,
  # description and homepage per key (data only; `mage models:list` shows
  # it, `mage models:pin <key>` pins a model)
  modelRegistry ? import ./models.nix
}:

let
  inherit (pkgs) lib;
  cfg = containerConfig;

  ollamaConfig = {
    Cmd = [ "${pkgs.ollama}/bin/ollama" "serve" ];
    Env = [ "OLLAMA_HOST=0.0.0.0" "OLLAMA_PORT=11434" "PATH=/bin" ];
    WorkingDir = "/app";
    ExposedPorts = { "11434/tcp" = { }; };
    Volumes = { "/root/.ollama" = { }; };
  };

  ollamaImage = nix2container.buildImage {
    name = cfg.images.ollama;
    tag = cfg.tags.default;
    maxLayers = cfg.runtime.maxLayers;
    copyToRoot = pkgs.buildEnv {
      name = "ollama-root";
      paths = with pkgs; [ ollama cacert tzdata bash coreutils ];
      pathsToLink = [ "/bin" "/etc" "/share" ];
    };
    config = ollamaConfig;
  };

  harnessImage = nix2container.buildImage {
    name = cfg.images.harness;
    tag = cfg.tags.default;
    maxLayers = cfg.runtime.maxLayers;
    copyToRoot = pkgs.buildEnv {
      name = "harness-root";
      paths = [ harness ] ++ (with pkgs; [ cacert tzdata bash coreutils ]);
      pathsToLink = [ "/bin" "/etc" "/share" ];
    };
    config = {
      Cmd = [ "${harness}/bin/harness" ];
      Env = [
        "SSL_CERT_FILE=${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt"
        "RUST_LOG=info"
        "PATH=/bin"
      ];
      WorkingDir = "/app";
      ExposedPorts = { "8080/tcp" = { }; };
    };
  };

  /** The placeholder hash (lib.fakeHash) of a model not pinned yet;
      upstream's all-zero form is accepted too. */
  isPlaceholder = hash:
    hash == lib.fakeHash
    || lib.hasInfix (lib.concatStrings (lib.replicate 43 "0")) hash;

  /** Ollama's model store with one model pulled, or a stub saying how to
      pin the model when its hash is the placeholder. */
  modelDerivation = key: info:
    let
      passthru = {
        modelKey = key;
        modelInfo = info;
        pinned = !isPlaceholder info.hash;
      };
      meta = {
        description = "${info.description} (${info.name}, ${info.size}) as an Ollama model store";
        inherit (info) homepage;
        platforms = lib.platforms.linux;
      };
    in
    if isPlaceholder info.hash then
      pkgs.runCommand "${key}-model" { inherit passthru meta; } ''
        mkdir -p $out/models
        cat > $out/models/model.info <<EOF
        model: ${info.name}
        status: not pinned (placeholder hash), no weights included
        EOF
        cat > $out/models/README <<EOF
        ${info.name} has no pinned hash in nix/models.nix, so this image
        carries no model. Pin it with: mage models:pin ${key}
        EOF
      ''
    else
      pkgs.runCommand "${key}-model"
        {
          inherit passthru meta;
          outputHash = info.hash;
          outputHashMode = "recursive";
          nativeBuildInputs = with pkgs; [ ollama curl cacert ];
          SSL_CERT_FILE = "${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt";
          impureEnvVars = lib.fetchers.proxyImpureEnvVars;
        } ''
        export HOME=$TMPDIR
        export OLLAMA_MODELS=$out/models
        export OLLAMA_HOST=127.0.0.1:11434
        mkdir -p "$OLLAMA_MODELS"

        ollama serve > "$TMPDIR/ollama.log" 2>&1 &
        server=$!
        stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
        trap stop EXIT

        ready=
        for _ in $(seq 1 60); do
          if curl -sf "http://$OLLAMA_HOST/api/version" > /dev/null; then ready=1; break; fi
          sleep 1
        done
        if [ -z "$ready" ]; then
          echo "ollama serve did not start:" >&2
          cat "$TMPDIR/ollama.log" >&2
          exit 1
        fi

        ollama pull ${lib.escapeShellArg info.name}
        if ! ollama list | grep -qF ${lib.escapeShellArg info.name}; then
          echo "ollama list does not show ${info.name} after pulling it" >&2
          ollama list >&2
          exit 1
        fi
        stop
      '';

  models = lib.mapAttrs'
    (key: info: lib.nameValuePair "${key}-model" (modelDerivation key info))
    modelRegistry;

  /** The Ollama image with one model in /models. */
  modelContainer = key: model: nix2container.buildImage {
    name = cfg.images.models.${key};
    tag = cfg.tags.default;
    fromImage = ollamaImage;
    maxLayers = cfg.runtime.maxLayers;
    created = cfg.runtime.buildTimestamp;
    copyToRoot = pkgs.buildEnv {
      name = "ollama-${key}-root";
      paths = [ model ] ++ (with pkgs; [ cacert tzdata bash coreutils curl ]);
      pathsToLink = [ "/bin" "/etc" "/share" "/models" ];
    };
    config = ollamaConfig // {
      Env = [ "OLLAMA_HOST=0.0.0.0" "OLLAMA_PORT=11434" "OLLAMA_MODELS=/models" "PATH=/bin" ];
    };
  };

  containers = lib.mapAttrs'
    (key: _: lib.nameValuePair "${key}-container" (modelContainer key models."${key}-model"))
    modelRegistry;

  modelKeys = builtins.attrNames modelRegistry;
in
assert lib.assertMsg (modelKeys == builtins.attrNames cfg.images.models)
  "nix/models.nix has ${toString modelKeys}, container-config.nix images.models has ${toString (builtins.attrNames cfg.images.models)}";
{
  inherit ollamaImage harnessImage modelRegistry models containers;
}
