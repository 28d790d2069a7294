/**
  Container configuration of the miniature nanna-coder repository
  (testdata/project): the repository's nix/container-config.nix reduced to
  the harness and ollama images, no model images.

  Like the repository's file it needs nothing but builtins and holds no
  functions, so the Go build tool (internal/config) reads it with

    nix eval --impure --json --file nix/container-config.nix

  Environment variables are read with builtins.getEnv, which sees the
  environment only in impure evaluation; pure evaluation (the flake) gets
  the defaults.
*/
let
  /** The value of environment variable `name`, or `default` when it is
      unset or empty. */
  getEnv = name: default:
    let value = builtins.getEnv name;
    in if value == "" then default else value;
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

  /** Image names (buildImage's `name`). The attribute name is the key used
      on the command line (`mage load:image ollama`); the flake attribute
      is `<key>Image`, or `<key>-container` for models. */
  images = {
    harness = "nanna-coder-harness";
    ollama = "nanna-coder-ollama";
  };

  /** Smoke tests: each image runs once, without network, with its Cmd
      replaced by the command; it must exit 0 within timeoutSeconds. */
  smoke = {
    timeoutSeconds = 60;
    commands = {
      harness = [ "harness" "--help" ];
      ollama = [ "ollama" "--version" ];
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
