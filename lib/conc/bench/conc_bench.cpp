// Micro-benchmarks of conc, shape for shape the ones of Go in ../shared/bench-go/bench.go, so
// that the two can be printed side by side (scripts/bench-compare does it).
//
//   build-release/lib/conc/conc_bench                                  # make bench
//   conc_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//   scripts/bench-compare build-release/lib/conc/conc_bench             # conc | Go | ratio
//
// Each benchmark carries the name of its Go counterpart and reports nanoseconds per "op" with
// the same meaning (one round trip, one item, one batch of 1000 goroutines, ...; the label says
// which). Every one is timed on the wall clock (UseRealTime), as Go's testing.Benchmark is: with
// several threads the CPU time of the main thread alone would mean nothing.
//
// How Go's b.N maps onto Google Benchmark:
//   - where Go loops `for i := 0; i < b.N; i++ { ... }`, we loop `for (auto _ : state)`;
//   - where Go hands b.N to goroutines up front (split among producers, then waits for them), we
//     do the same with n = state.max_iterations inside `while (state.KeepRunningBatch(n))`, which
//     runs its body exactly once and counts it as n iterations: the timed region is then the
//     same as Go's (between b.ResetTimer() and the end of the function).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <optional>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/errgroup.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/semaphore.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

namespace {

using benchmark::State;

// All of b.N at once: the body of `while (state.KeepRunningBatch(AllAtOnce(state)))` runs once.
benchmark::IterationCount AllAtOnce(const State& state) { return state.max_iterations; }

// (a) Unbuffered ping-pong: we send on ping, an echo goroutine receives and sends the value back
// on pong. One op = one round trip (2 unbuffered hand-offs, 2 wake-ups).
void PingPong(State& state) {
  const auto ping = conc::make_chan<std::int64_t>();
  const auto pong = conc::make_chan<std::int64_t>();
  conc::go([ping, pong] {
    for (std::int64_t v : ping) pong.send(v);
    pong.close();
  });
  std::int64_t i = 0;
  for (auto _ : state) {
    ping.send(i++);
    benchmark::DoNotOptimize(pong.recv());
  }
  ping.close();  // untimed, as after Go's b.StopTimer(): the loop above stopped the clock
  pong.recv();
  state.SetLabel("ns/roundtrip");
}

// (b) Buffered channel cap 128, 1 producer (us), 1 consumer goroutine. One op = one item sent and
// received. Timed like Go's: the sends, the close, and waiting for the consumer to drain.
void Spsc128(State& state) {
  const auto c = conc::make_chan<std::int64_t>(128);
  const auto done = conc::make_chan<conc::Unit>();
  conc::go([c, done] {
    for (std::int64_t v : c) benchmark::DoNotOptimize(v);
    done.close();
  });
  const auto n = AllAtOnce(state);
  while (state.KeepRunningBatch(n)) {
    for (std::int64_t i = 0; i < n; ++i) c.send(i);
    c.close();
    done.recv();
  }
  state.SetLabel("ns/item");
}

// (c) Buffered channel cap 128, 4 producer and 4 consumer goroutines; we wait for the producers,
// close, wait for the consumers. One op = one item. Starting the 8 goroutines is timed, as in Go.
void Mpmc128(State& state) {
  constexpr std::int64_t kProducers = 4;
  constexpr std::int64_t kConsumers = 4;
  const auto n = AllAtOnce(state);
  while (state.KeepRunningBatch(n)) {
    const auto c = conc::make_chan<std::int64_t>(128);
    conc::WaitGroup producers;
    conc::WaitGroup consumers;
    for (std::int64_t p = 0; p < kProducers; ++p) {
      const std::int64_t count = n / kProducers + (p < n % kProducers ? 1 : 0);
      producers.add(1);
      conc::go([c, count, &producers] {
        for (std::int64_t i = 0; i < count; ++i) c.send(i);
        producers.done();
      });
    }
    for (std::int64_t k = 0; k < kConsumers; ++k) {
      consumers.add(1);
      conc::go([c, &consumers] {
        for (std::int64_t v : c) benchmark::DoNotOptimize(v);
        consumers.done();
      });
    }
    producers.wait();
    c.close();
    consumers.wait();
  }
  state.SetLabel("ns/item");
}

// Two producer goroutines, n/2 and n - n/2 items, on c1 and c2 (started before the timed region,
// as in Go; they are not joined: they finish once their last value has been taken).
void StartTwoProducers(const conc::Chan<std::int64_t>& c1, const conc::Chan<std::int64_t>& c2,
                       benchmark::IterationCount n) {
  const std::int64_t n1 = n / 2;
  const std::int64_t n2 = n - n1;
  conc::go([c1, n1] {
    for (std::int64_t i = 0; i < n1; ++i) c1.send(i);
  });
  conc::go([c2, n2] {
    for (std::int64_t i = 0; i < n2; ++i) c2.send(i);
  });
}

// Receives n items through a 2-case select over c1 and c2.
void SelectReceive(const conc::Chan<std::int64_t>& c1, const conc::Chan<std::int64_t>& c2,
                   benchmark::IterationCount n) {
  for (std::int64_t i = 0; i < n; ++i) {
    benchmark::DoNotOptimize(conc::select(conc::case_recv(c1), conc::case_recv(c2)));
  }
}

// (d1) Select over two cap-128 channels, receive side, two producer goroutines. One op = one item
// received by a 2-case select.
void Select2RecvBuffered(State& state) {
  const auto c1 = conc::make_chan<std::int64_t>(128);
  const auto c2 = conc::make_chan<std::int64_t>(128);
  const auto n = AllAtOnce(state);
  StartTwoProducers(c1, c2, n);
  while (state.KeepRunningBatch(n)) SelectReceive(c1, c2, n);
  state.SetLabel("ns/item");
}

// (d2) Select over two cap-1 channels in one thread, never blocking (Go's
// runtime.BenchmarkSelectUncontended): one op = one 2-case select receive + one buffered send.
void Select2Uncontended(State& state) {
  const auto c1 = conc::make_chan<int>(1);
  const auto c2 = conc::make_chan<int>(1);
  c1.send(0);
  for (auto _ : state) {
    conc::select(conc::case_recv(c1, [&] { c2.send(0); }),
                 conc::case_recv(c2, [&] { c1.send(0); }));
  }
  state.SetLabel("ns/op");
}

// (d3) As d1 over two unbuffered channels: every value comes from a blocked (or about to block)
// producer, a synchronous hand-off through select. One op = one item.
void Select2RecvUnbuffered(State& state) {
  const auto c1 = conc::make_chan<std::int64_t>();
  const auto c2 = conc::make_chan<std::int64_t>();
  const auto n = AllAtOnce(state);
  StartTwoProducers(c1, c2, n);
  while (state.KeepRunningBatch(n)) SelectReceive(c1, c2, n);
  state.SetLabel("ns/item");
}

// (d4) Non-blocking select (a case and case_default) on an empty unbuffered channel.
void SelectDefaultEmpty(State& state) {
  const auto c = conc::make_chan<int>();
  std::int64_t hits = 0;
  for (auto _ : state) {
    conc::select(conc::case_recv(c, [&] { ++hits; }), conc::case_default());
  }
  if (hits != 0) state.SkipWithError("unexpected receive");
  state.SetLabel("ns/op");
}

// (e) WaitGroup: add(1000), 1000 goroutines that each call done(), wait. One op = one batch.
void WaitGroup1000(State& state) {
  constexpr int kGoroutines = 1000;
  for (auto _ : state) {
    conc::WaitGroup wg;
    wg.add(kGoroutines);
    for (int j = 0; j < kGoroutines; ++j) conc::go([&wg] { wg.done(); });
    wg.wait();
  }
  state.SetLabel("ns/batch");
}

// (f) with_cancel(background()) + cancel(). One op = create + cancel.
void WithCancel(State& state) {
  const conc::Context parent = conc::background();
  for (auto _ : state) {
    auto [ctx, cancel] = conc::with_cancel(parent);
    cancel();
  }
  state.SetLabel("ns/op");
}

// (f2) with_cancel of a cancellable parent (the child registers with the parent) + done() +
// cancel(). One op = create + done + cancel.
void WithCancelChildDone(State& state) {
  const auto [parent, cancel_parent] = conc::with_cancel(conc::background());
  for (auto _ : state) {
    auto [ctx, cancel] = conc::with_cancel(parent);
    benchmark::DoNotOptimize(ctx.done());
    cancel();
  }
  cancel_parent();
  state.SetLabel("ns/op");
}

// (g) A one-hour Timer, stopped at once. One op = create + stop.
void TimerNewStop(State& state) {
  for (auto _ : state) {
    conc::Timer t(std::chrono::hours(1));
    t.stop();
  }
  state.SetLabel("ns/op");
}

// (h) conc::go + completion signal through an unbuffered channel (spawn + hand-off latency).
// One op = one goroutine launched and joined.
void GoSpawnJoin(State& state) {
  const auto done = conc::make_chan<conc::Unit>();
  for (auto _ : state) {
    conc::go([done] { done.send(conc::Unit{}); });
    done.recv();
  }
  state.SetLabel("ns/op");
}

// x/sync shapes (no Go counterpart in bench.go: conc's own figures).

// WeightedSemaphore acquire(1) + release(1) from one thread: the uncontended fast path.
void SemaphoreUncontended(State& state) {
  conc::WeightedSemaphore sem(1);
  const conc::Context ctx = conc::background();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sem.acquire(ctx, 1));
    sem.release(1);
  }
  state.SetLabel("ns/pair");
}

// Four goroutines (and us) acquiring and releasing a capacity-2 semaphore: FIFO queueing,
// hand-over to waiters. One op = one acquire+release pair by one of the five.
void SemaphoreContended(State& state) {
  constexpr int kWorkers = 4;
  while (state.KeepRunningBatch(AllAtOnce(state))) {
    const auto per_worker = static_cast<std::int64_t>(state.max_iterations) / (kWorkers + 1);
    conc::WeightedSemaphore sem(2);
    conc::WaitGroup wg;
    const auto work = [&sem, per_worker] {
      const conc::Context ctx = conc::background();
      for (std::int64_t i = 0; i < per_worker; ++i) {
        benchmark::DoNotOptimize(sem.acquire(ctx, 1));
        sem.release(1);
      }
    };
    for (int w = 0; w < kWorkers; ++w) wg.go(work);
    work();
    wg.wait();
  }
  state.SetLabel("ns/pair");
}

// ErrGroup: go() 1000 tasks returning nil, then wait(). One op = one batch.
void ErrGroup1000(State& state) {
  for (auto _ : state) {
    conc::ErrGroup group;
    for (int i = 0; i < 1000; ++i) group.go([] { return conc::Error(); });
    benchmark::DoNotOptimize(group.wait());
  }
  state.SetLabel("ns/batch");
}

}  // namespace

// The names are bench.go's, in its order; scripts/bench-compare matches on them.
BENCHMARK(PingPong)->Name("a_unbuffered_pingpong")->UseRealTime();
BENCHMARK(Spsc128)->Name("b_buffered128_1p1c")->UseRealTime();
BENCHMARK(Mpmc128)->Name("c_buffered128_4p4c")->UseRealTime();
BENCHMARK(Select2RecvBuffered)->Name("d1_select2_recv_buffered_2producers")->UseRealTime();
BENCHMARK(Select2Uncontended)->Name("d2_select2_uncontended_single_goroutine")->UseRealTime();
BENCHMARK(Select2RecvUnbuffered)->Name("d3_select2_recv_unbuffered_2producers")->UseRealTime();
BENCHMARK(SelectDefaultEmpty)->Name("d4_select_default_empty")->UseRealTime();
BENCHMARK(WaitGroup1000)->Name("e_waitgroup_1000_goroutines")->UseRealTime();
BENCHMARK(WithCancel)->Name("f_context_withcancel_cancel")->UseRealTime();
BENCHMARK(WithCancelChildDone)->Name("f2_context_withcancel_child_done_cancel")->UseRealTime();
BENCHMARK(TimerNewStop)->Name("g_timer_new_stop")->UseRealTime();
BENCHMARK(GoSpawnJoin)->Name("h_go_spawn_join")->UseRealTime();
BENCHMARK(SemaphoreUncontended)->Name("x_semaphore_acquire_release_uncontended")->UseRealTime();
BENCHMARK(SemaphoreContended)->Name("x_semaphore_acquire_release_5_goroutines")->UseRealTime();
BENCHMARK(ErrGroup1000)->Name("x_errgroup_go_wait_1000_tasks")->UseRealTime();

BENCHMARK_MAIN();
