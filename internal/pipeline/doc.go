// Package pipeline runs named steps in dependency order, once each per run,
// in parallel where they are independent, and skips a step whose declared
// inputs are unchanged since its last success and whose output still exists.
//
// A run goes like this:
//
//  1. [Engine.Run] checks the steps (unknown dependencies, cycles, duplicate
//     names) and fails before anything runs if one is wrong.
//  2. Each step needed by the targets starts once all its dependencies have
//     succeeded (or were cached), at most [Options.Parallel] at a time.
//  3. The step declares its inputs ([Step.Inputs]); with its name, the
//     caller's [Options.CodeVersion] and its dependencies' keys they make the
//     step's key.
//  4. If the key equals the one recorded with the step's last success and
//     [Step.Valid] accepts the recorded [Output], the step is "cached";
//     otherwise [Step.Run] runs and, if it succeeds, its key, input digests
//     and output are recorded in [Options.CacheDir].
//  5. A failing step skips the steps that need it; independent steps still
//     run. [Engine.Run] returns every failure at once.
//
// Progress goes to a [Reporter]; [NewText] writes a table for a terminal.
package pipeline
