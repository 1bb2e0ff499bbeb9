# The two commands of the quick start: `make run` and `make check`. Both install what is
# missing (scripts/packages.txt, through scripts/deps), then drive meson and ninja.
BUILD ?= build
ASAN ?= build-asan
CONFIG ?= examples/demo.yaml

.PHONY: all deps run check format format-check bench bench-sla bench-web bench-cluster fuzz valgrind clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true

deps:
	@sh scripts/deps

run: deps all
	sh scripts/run-demo $(CONFIG)

check: deps
	sh scripts/check

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

bench: deps all
	sh bench/http.sh

bench-sla: deps all
	sh bench/sla.sh

bench-web: deps all
	sh bench/web.sh

bench-cluster: deps all
	sh bench/cluster.sh

fuzz: deps
	sh scripts/fuzz 300

valgrind: deps all
	meson test -C $(BUILD) --suite unit --wrap='valgrind --leak-check=full --error-exitcode=1'

clean:
	rm -rf $(BUILD) $(ASAN) build-fuzz
