/**
  Evaluates the repository's flake.nix with stand-ins for its inputs
  (nixpkgs, flake-utils, nix2container, the nanna-coder source), which
  cannot be fetched offline, and summarises its packages as JSON:

    nix eval --json --impure --file testdata/flakes/stub/outputs.nix

  The stand-ins do only what the definitions need: derivations are
  attribute sets with a name and an outPath, nix2container.buildImage
  returns its arguments plus imageName/imageTag, and the few lib functions
  used are re-implemented with builtins. This checks names, tags,
  attribute names and wiring, not that nixpkgs builds anything.
*/
let
  root = ../../..;
  flake = import (root + "/flake.nix");
  systems = [ "x86_64-linux" "aarch64-linux" ];

  genAttrs = names: f: builtins.listToAttrs (map (name: { inherit name; value = f name; }) names);
  drv = name: attrs: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; } // attrs;

  lib = {
    fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    hasInfix = infix: s: builtins.match ".*${infix}.*" s != null;
    concatStrings = builtins.concatStringsSep "";
    replicate = n: x: builtins.genList (_: x) n;
    mapAttrs' = f: set: builtins.listToAttrs (map (n: f n set.${n}) (builtins.attrNames set));
    nameValuePair = name: value: { inherit name value; };
    escapeShellArg = s: "'${s}'";
    assertMsg = cond: msg: cond || throw msg;
    platforms.linux = [ ];
    fetchers.proxyImpureEnvVars = [ ];
    licenses = { mit = { }; asl20 = { }; };
  };

  pkgs = genAttrs [ "ollama" "cacert" "tzdata" "bash" "coreutils" "curl" "pkg-config" "openssl" "libssh2" "zlib" ] (n: drv n { })
    // {
    inherit lib;
    runCommand = name: env: script: drv name ((env.passthru or { }) // { inherit env script; });
    buildEnv = args: drv args.name { inherit (args) paths pathsToLink; };
    rustPlatform.buildRustPackage = args: drv "${args.pname}-${args.version}" { inherit args; };
    callPackage = path: args:
      let f = import path;
      in f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
  };

  nix2container.buildImage = args: drv "image-${args.name}.json" {
    imageName = args.name;
    imageTag = args.tag;
    inherit args;
  };

  inputs = {
    nixpkgs.legacyPackages = genAttrs systems (_: pkgs);
    flake-utils.lib.eachSystem = systems: f:
      let outNames = builtins.attrNames (f (builtins.head systems));
      in genAttrs outNames (o: genAttrs systems (s: (f s).${o}));
    nix2container.packages = genAttrs systems (_: { inherit nix2container; });
    nanna-coder = "/nix/store/00000000000000000000000000000000-source";
  };

  outputs = flake.outputs (inputs // { self = outputs; });

  summarise = p:
    { name = p.name; }
    // (if p ? imageName then {
      inherit (p) imageName imageTag;
      inherit (p.args) maxLayers;
      fromImage = p.args.fromImage.imageName or null;
      created = p.args.created or null;
      cmd = p.args.config.Cmd;
      env = p.args.config.Env;
      paths = map (x: x.name) p.args.copyToRoot.paths;
      pathsToLink = p.args.copyToRoot.pathsToLink;
    } else { })
    // (if p ? modelInfo then {
      inherit (p) pinned modelKey;
      model = p.modelInfo.name;
      registryHash = p.modelInfo.hash;
      outputHash = p.env.outputHash or null;
    } else { });
in
{
  inputs = {
    nixpkgs = flake.inputs.nixpkgs.url;
    nix2container = flake.inputs.nix2container.url;
    nix2containerFollows = flake.inputs.nix2container.inputs.nixpkgs.follows;
  };
  systems = builtins.attrNames outputs.packages;
  packages = builtins.mapAttrs (_: summarise) outputs.packages.x86_64-linux;
  harnessCargoBuildFlags = outputs.packages.x86_64-linux.harness.args.cargoBuildFlags;
}
