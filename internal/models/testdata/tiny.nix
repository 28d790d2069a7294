/**
  A models file for the tests: `tiny` is the model the tests publish to a
  registry on 127.0.0.1; `other` stays as it is.
*/
{
  tiny = {
    name = "tiny:latest";
    # replaced by models:pin
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    size = "300kB";
    description = "A tiny test model";
    homepage = "https://example.invalid/tiny";
  };
  other = {
    name = "other:1b";
    hash = "sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=";
    size = "1GB";
    description = "Another model, pinned";
    homepage = "https://example.invalid/other";
  };
}
