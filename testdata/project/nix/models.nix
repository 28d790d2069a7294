/**
  The models of the miniature nanna-coder repository (testdata/project),
  shaped like the repository's nix/models.nix: data only, read with

    nix eval --impure --json --file nix/models.nix

  No image bakes them in (nix/container-config.nix has no models), so
  nothing downloads them; they are here for `mage models:check`. qwen3 is
  pinned (its hash is the repository's); a test that wants an unpinned
  model replaces the hash with the placeholder
  sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.
*/
{
  qwen3 = {
    name = "qwen3:0.6b";
    hash = "sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=";
    size = "560MB";
    description = "Qwen3 0.6B, small and fast, for tests";
    homepage = "https://ollama.com/library/qwen3";
  };
}
