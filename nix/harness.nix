/**
  The harness CLI from nanna-coder's Rust workspace (`cargo build --release
  --bin harness`), built with nixpkgs' rustPlatform so that the flake needs
  neither crane nor rust-overlay.

  `src` is a checkout of github:DominicBurkart/nanna-coder (the flake's
  `nanna-coder` input). Crates from crates.io are fetched through
  Cargo.lock; a git dependency needs its hash in `cargoOutputHashes`.
*/
{ lib
, rustPlatform
, pkg-config
, openssl
, libssh2
, zlib
, src
, # a label only: what is built is whatever revision `src` is
  version ? "0-unstable"
, cargoOutputHashes ? { }
}:

rustPlatform.buildRustPackage {
  pname = "harness";
  inherit version;
  inherit src;
  cargoLock = {
    lockFile = src + "/Cargo.lock";
    outputHashes = cargoOutputHashes;
  };
  cargoBuildFlags = [ "--bin" "harness" ];
  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ openssl libssh2 zlib ];
  # The workspace's tests need an Ollama server; nanna-coder's CI runs them.
  doCheck = false;
  meta = {
    description = "nanna-coder's coding-agent harness CLI";
    homepage = "https://github.com/DominicBurkart/nanna-coder";
    license = with lib.licenses; [ mit asl20 ];
    mainProgram = "harness";
  };
}
