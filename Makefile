# Thin wrapper around CMake. The two commands of the quick start:
#   make demo   installs what is missing, builds, trains the Fashion-MNIST demo
#   make test   installs what is missing, builds, runs every test
# Also: make examples (every example program), make bench (benchmarks),
#       make compare (nabla against libtorch, side by side),
#       make sanitize (whole suite under ASan+UBSan),
#       make tsan (the multi-threaded tests under ThreadSanitizer),
#       make fuzz (the libFuzzer targets, FUZZ_SECONDS each),
#       make format (clang-format every source file), make clean.
BUILD      ?= build
JOBS       ?= $(shell nproc)
BUILD_TYPE ?= Release
CMAKE_ARGS ?=

.PHONY: all deps deps-all configure build demo examples test bench compare sanitize tsan fuzz format clean

all: build

deps:
	@scripts/install-deps.sh build

deps-all:
	@scripts/install-deps.sh all

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# The main demo trains an MLP on Fashion-MNIST and writes the model, the
# training log and the plots into runs/fashion_mnist/ (options: DEMO_ARGS,
# e.g. make demo DEMO_ARGS="--epochs 10 --threads 1").
DEMO_ARGS ?=
demo: deps-all configure
	cmake --build $(BUILD) -j$(JOBS) --target tensor_basics scalar_backprop fashion_mnist
	./$(BUILD)/examples/tensor_basics
	./$(BUILD)/examples/scalar_backprop
	./$(BUILD)/examples/fashion_mnist $(DEMO_ARGS)

# Every example program, in order of the tutorial.
examples: deps-all build
	./$(BUILD)/examples/tensor_basics
	./$(BUILD)/examples/scalar_backprop
	./$(BUILD)/examples/manual_vs_autograd
	./$(BUILD)/examples/custom_function
	./$(BUILD)/examples/mlp_by_hand
	./$(BUILD)/examples/spiral
	./$(BUILD)/examples/regression
	./$(BUILD)/examples/custom_model
	./$(BUILD)/examples/lr_schedule
	./$(BUILD)/examples/callbacks
	./$(BUILD)/examples/fashion_mnist $(DEMO_ARGS)
	./$(BUILD)/examples/distributed_mnist  # one rank; mpirun -np 2 ... for two (docs/distributed.md)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

bench: deps
	cmake -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=Release -DNABLA_BUILD_BENCHMARKS=ON \
	  -DNABLA_BUILD_TESTS=OFF -DNABLA_BUILD_EXAMPLES=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD)-bench -j$(JOBS)
	cmake --build $(BUILD)-bench --target bench

# nabla against libtorch side by side (benchmarks/compare_torch.py): installs
# libtorch and OpenBLAS, builds both sides' benchmarks, prints one table
# (options: COMPARE_ARGS, e.g. COMPARE_ARGS="--rounds 2 --only Linear").
COMPARE_ARGS ?=
compare:
	@scripts/install-deps.sh compare
	cmake -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=Release -DNABLA_BUILD_BENCHMARKS=ON \
	  -DNABLA_BUILD_TESTS=OFF -DNABLA_BUILD_EXAMPLES=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD)-bench -j$(JOBS) --target nabla_train_step_bench nabla_autograd_bench \
	  nabla_layer_bench nabla_fit_epoch_bench nabla_train_step_torch nabla_graph_torch \
	  nabla_fit_epoch_torch
	benchmarks/compare_torch.py --build $(BUILD)-bench $(COMPARE_ARGS)

# allocator_may_return_null: an impossible allocation must reach nabla's own
# out-of-memory error (tested) instead of ASan's abort.
sanitize: deps
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DNABLA_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(BUILD)-asan -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 ctest --test-dir $(BUILD)-asan --output-on-failure -j$(JOBS) \
	  -LE "install|docs"

# ThreadSanitizer: builds only the multi-threaded tests (tests/CMakeLists.txt)
# and runs them, with the check that a racy program is reported.
tsan: deps
	cmake -S . -B $(BUILD)-tsan -DCMAKE_BUILD_TYPE=Debug -DNABLA_TSAN=ON -DNABLA_BUILD_EXAMPLES=OFF \
	  $(CMAKE_ARGS)
	cmake --build $(BUILD)-tsan -j$(JOBS) --target nabla_tsan_tests nabla_tsan_racy_program
	ctest --test-dir $(BUILD)-tsan --output-on-failure -j$(JOBS) -L tsan

# The libFuzzer targets of tests/fuzz (Clang, ASan, UBSan) in their own build
# directory, with the libraries they need only: their CTests (seeds replayed,
# planted bugs reported), then each target for FUZZ_SECONDS seconds on seeds
# written by nabla. Fails on any finding; prints the executions per target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= safetensors model_file training_state idx csv state_dict
fuzz:
	@scripts/install-deps.sh fuzz
	cmake -S . -B $(BUILD)-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
	  -DNABLA_FUZZ=ON -DNABLA_BUILD_TESTS=OFF -DNABLA_BUILD_EXAMPLES=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD)-fuzz -j$(JOBS) --target nabla_fuzz
	ctest --test-dir $(BUILD)-fuzz -L fuzz --output-on-failure -j$(JOBS)
	./$(BUILD)-fuzz/tests/fuzz/nabla_fuzz_seeds $(BUILD)-fuzz/fuzz-seeds
	tests/fuzz/run_fuzzers.sh $(BUILD)-fuzz/tests/fuzz $(BUILD)-fuzz/fuzz-seeds \
	  $(BUILD)-fuzz/fuzz-work $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	clang-format -i $$(git ls-files '*.h' '*.cpp')

clean:
	rm -rf $(BUILD) $(BUILD)-bench $(BUILD)-asan $(BUILD)-tsan $(BUILD)-fuzz
