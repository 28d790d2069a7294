# Models with comments and odd spacing: pinning one must keep every other
# byte, including these comments.
let
  # a let binding that looks like a model
  helper = { hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; };
  llama3 = "not this one";
in
{
  /* a block comment with llama3 = { hash = "x"; }; inside */
  qwen3={name="qwen3:0.6b";hash="sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=";size="560MB";description="tight";homepage="h";};
  "llama3"   =   {
      name = "llama3:8b";   # a trailing comment with hash = "nope";
      meta = { hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; };
      description = ''
        an indented string with hash = "fake"; and } braces { and ''${not interpolated}
        and '''quotes''' and ${helper.hash}
      '';
      hash
        =
          "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="   ;
      size = "4.7GB";
      homepage = https://ollama.com/library/llama3; # an old-style URI literal
  };
	mistral = { name = "mistral:7b"; description = "has \"hash = …\" in it, ${"and { } in an interpolation"} and $${literal}"; hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; size = "4.1GB"; homepage = "x"; };
  gemma = rec { name = "gemma:2b"; hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; size = "1.4GB"; description = name; homepage = "y"; };
}
