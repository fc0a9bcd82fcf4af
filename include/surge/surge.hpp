// surge/surge.hpp — the whole kernel in one include, for programs and examples that use most of
// it. Libraries should include the headers they use: each holds one concept.
#pragma once

#include "surge/config.hpp"       // the kernel's macros: performance hints, platform probes
#include "surge/time.hpp"         // duration, time_point, literals, parsing "250ms"
#include "surge/event_queue.hpp"  // the pending-event set
#include "surge/simulation.hpp"   // the clock and the loop
#include "surge/process.hpp"      // processes as coroutines: spawn, join
#include "surge/delay.hpp"        // co_await sim.delay(d)
#include "surge/event.hpp"        // one-shot events
#include "surge/condition.hpp"    // any_of, all_of, timeout
#include "surge/interrupt.hpp"    // process::interrupt, surge::interrupted
#include "surge/task.hpp"         // sub-routines a process awaits without spawning them
#include "surge/resource.hpp"     // resource, store, container, token_bucket
#include "surge/hash.hpp"         // SplitMix64, FNV-1a, rotations
#include "surge/rng.hpp"          // the generator and named streams
#include "surge/fp_math.hpp"      // fp_exp, fp_log, fp_pow
#include "surge/random.hpp"       // distributions
#include "surge/stats.hpp"        // counter, tally, time-weighted average, histogram, series
#include "surge/windowed.hpp"     // per-window counts, levels and distributions (report time series)
#include "surge/trace.hpp"        // trace records and hash
