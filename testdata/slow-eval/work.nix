/**
  The slow part of the slow-eval flake: a pure computation of
  `rounds` × `rounds` integer steps, about 2 s at 3500 on a 2-core x86_64
  machine with Nix 2.8 (the time grows with the square of `rounds`).
  Its value, an integer, means nothing; what counts is that a derivation
  depending on it cannot be evaluated without it.
*/
{ rounds ? 3500 }:
let
  row = i: builtins.foldl' (acc: j: acc + i * j - acc / 7) 0 (builtins.genList (j: j) rounds);
in
builtins.foldl' (acc: i: acc + row i) 0 (builtins.genList (i: i) rounds)
