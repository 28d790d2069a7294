{
  description = "nanna-coder's container images (nix2container), loaded by the Go/Mage build tool in this repository";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-utils.url = "github:numtide/flake-utils";
    nix2container = {
      url = "github:nlewo/nix2container";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    # The Rust workspace the harness is built from.
    nanna-coder = {
      url = "github:DominicBurkart/nanna-coder";
      flake = false;
    };
  };

  outputs = { self, nixpkgs, flake-utils, nix2container, nanna-coder }:
    # Images are Linux images; Darwin would need a Linux builder.
    flake-utils.lib.eachSystem [ "x86_64-linux" "aarch64-linux" ] (system:
      let
        pkgs = nixpkgs.legacyPackages.${system};
        containerConfig = import ./nix/container-config.nix;
        harness = pkgs.callPackage ./nix/harness.nix { src = nanna-coder; };
        images = import ./nix/containers.nix {
          inherit pkgs harness containerConfig;
          nix2container = nix2container.packages.${system}.nix2container;
        };
      in
      {
        # One packages set. Upstream nanna-coder merged a second
        # `{ packages = …; }` over the eachSystem result with `//`, which
        # replaced the whole first set and hid the models and model
        # containers; everything is defined here once instead.
        packages = images.models // images.containers // {
          inherit harness;
          inherit (images) ollamaImage harnessImage;
          default = images.harnessImage;
        };
      });
}
