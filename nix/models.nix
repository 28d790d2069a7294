/**
  The Ollama models nanna-coder bakes into images, as data: an attribute
  set that needs nothing but the Nix language (no nixpkgs, no functions),
  so that the Go build tool can read it with

    nix eval --impure --json --file nix/models.nix

  and pin a model by rewriting its `hash` in place (`mage models:pin KEY`).
  nix/containers.nix imports it; the keys must match images.models in
  ./container-config.nix.

  Each model:
  - `name`: the Ollama model name (`[namespace/]model:tag`) the model
    derivation downloads;
  - `hash`: SRI sha256 of the model derivation's output, a fixed-output
    derivation whose `$out/models` is Ollama's model store holding only this
    model (manifests/registry.ollama.ai/<namespace>/<model>/<tag> and
    blobs/sha256-<hex>), i.e. `nix hash path $out`. The placeholder
    `sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=` (lib.fakeHash)
    marks a model not pinned yet: its image gets a stub instead of weights.
    `mage models:pin KEY` replaces it (only this string changes);
  - `size`: the download size as `ollama list` shows it, for people;
  - `description`, `homepage`: for people and the derivation's meta.
*/
{
  qwen3 = {
    name = "qwen3:0.6b";
    hash = "sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=";
    size = "560MB";
    description = "Qwen3 0.6B, small and fast, for tests";
    homepage = "https://ollama.com/library/qwen3";
  };
  llama3 = {
    name = "llama3:8b";
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    size = "4.7GB";
    description = "Meta Llama 3 8B";
    homepage = "https://ollama.com/library/llama3";
  };
  mistral = {
    name = "mistral:7b";
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    size = "4.1GB";
    description = "Mistral 7B";
    homepage = "https://ollama.com/library/mistral";
  };
  gemma = {
    name = "gemma:2b";
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    size = "1.4GB";
    description = "Google Gemma 2B";
    homepage = "https://ollama.com/library/gemma";
  };
}
