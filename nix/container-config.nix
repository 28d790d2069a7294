/**
  Container configuration for nanna-coder's images: registry, image names,
  tags and loading behaviour.

  Shaped like nanna-coder's nix/container-config.nix, but it needs nothing
  but builtins (no `{ lib }:` argument, no nixpkgs) and holds no functions,
  so the whole file can be printed as JSON:

    nix eval --impure --json --file nix/container-config.nix

  That is how the Go build tool (internal/config) reads it; its Defaults
  function is the built-in copy of this file for machines without Nix and
  must be kept in step with it (an integration test compares the two).
  Environment variables are read with builtins.getEnv, which sees the
  environment only in impure evaluation; pure evaluation (a flake) gets
  the defaults. Name each variable with a string literal
  (`getEnv "NAME" default` or `builtins.getEnv "NAME"`) and import no
  other file: `mage ci` reads the names from this file's text for its
  cache key, and refuses a name it cannot read.
*/
let
  /** The value of environment variable `name`, or `default` when it is
      unset or empty. */
  getEnv = name: default:
    let value = builtins.getEnv name;
    in if value == "" then default else value;

  /** Image names (buildImage's `name`). The attribute name is the key used
      on the command line (`mage load:image ollama`); the flake attribute
      is `<key>Image`, or `<key>-container` for models. */
  images = {
    harness = "nanna-coder-harness";
    ollama = "nanna-coder-ollama";
    /** Ollama images with a model baked in (`fromImage = ollamaImage`);
        the keys match nix/models.nix (the model registry). */
    models = {
      qwen3 = "nanna-coder-ollama-qwen3";
      llama3 = "nanna-coder-ollama-llama3";
      mistral = "nanna-coder-ollama-mistral";
      gemma = "nanna-coder-ollama-gemma";
    };
  };

  /** The smoke command of the Ollama images: it runs without a server. */
  ollamaVersion = [ "ollama" "--version" ];
in
{
  /** Where images are pushed and which name prefix they get there:
      `<url>/<repository, lower-cased>/<image short name>:<tag>`. */
  registry = {
    /** Registry host, without scheme. */
    url = getEnv "CONTAINER_REGISTRY" "ghcr.io";
    /** GitHub-style `owner/name`; set by GitHub Actions. */
    repository = getEnv "GITHUB_REPOSITORY" "local/nanna-coder";
  };

  /** Image names, defined in the let above so smoke.commands can use them. */
  inherit images;

  /** Smoke tests (`mage smoke`, a step of `mage ci`): each image is run
      once, without network, with its Cmd replaced by a command; the test
      passes when the command exits 0 within timeoutSeconds. */
  smoke = {
    /** Time limit for one image's smoke command. */
    timeoutSeconds = 60;
    /** The command per image, keyed like `images` (models under
        `models`); every image needs one, and [ ] means no smoke test. */
    commands = {
      harness = [ "harness" "--help" ];
      ollama = ollamaVersion;
      models = builtins.mapAttrs (_: _: ollamaVersion) images.models;
    };
  };

  /** Tags applied to loaded and pushed images. */
  tags = {
    /** The tag every image is built with. */
    default = "latest";
    /** Commit SHA in CI; empty (no extra tag) elsewhere. */
    fromCommit = getEnv "GITHUB_SHA" "";
    /** Branch name in CI. */
    fromBranch = getEnv "GITHUB_REF_NAME" "main";
    /** Release version; empty when not releasing. */
    semver = getEnv "VERSION" "";
  };

  /** Settings the image definitions share. */
  runtime = {
    /** nix2container's maxLayers for every image. */
    maxLayers = 100;
    /** `created` of the model images (fixed, for reproducibility). */
    buildTimestamp = "2025-09-20T00:00:00Z";
  };

  /** How images get into a container engine. */
  loading = {
    /** "native" (the Go loader talks to the Docker Engine API),
        "copyToDockerDaemon" or "copyToPodman" (nix2container's skopeo
        scripts). */
    method = "native";
    /** Attempts and pause between them when loading fails. */
    retries = {
      maxAttempts = 3;
      delaySeconds = 5;
    };
    /** Time limit for loading one image. */
    timeoutSeconds = 300;
    /** Print progress while loading. */
    verbose = builtins.getEnv "CONTAINER_LOAD_VERBOSE" == "true";
  };
}
