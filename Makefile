# Task isolation for Linux 6.12: thin wrapper over scripts/.
ARCH ?= x86_64
BENCH_SECONDS ?= 10
SOAK_SECONDS ?= 600
STRESS_SECONDS ?= 60
FIELD_SECONDS ?= 60
SCALE_SECONDS ?= 60
SCALE_VCPUS ?= 8
FIELD_ARCHES ?= x86_64
# What only QEMU TCG needs on the field kernels' x86 command line (docs/field.md).
FIELD_X86_CMDLINE ?= tsc=reliable
S := scripts

.PHONY: help deps run test tree export rebase build guest selftests bench scale scale-stress field soak oslat upstream hardening bisect bisect-selftests cost cost-scale trace-breaks checkpatch doc-check clean

help:
	@echo "make run        main job: patched kernel, isolated task under load (ARCH=$(ARCH))"
	@echo "make test       every test (what CI runs); ends with 'N passed, N failed'"
	@echo "make tree       git tree of the base with the series applied (./linux)"
	@echo "make export     write ./linux's commits back to patches/"
	@echo "make rebase VERSION=v  move the series to Debian's linux-source-6.12 version v"
	@echo "make build      build vanilla and patched kernels for ARCH"
	@echo "make selftests  boot the patched ARCH kernel and run the selftests"
	@echo "make bench      vanilla vs patched interference benchmark (BENCH_SECONDS per generator)"
	@echo "make scale      the bench at SCALE_VCPUS vCPUs (4-16), a spinner on each of CPUs 2..N-1 (SCALE_SECONDS per generator)"
	@echo "make scale-stress  the enter/leave stress at 8 and 16 vCPUs, a loop on each of CPUs 2..N-1 (SCALE_SECONDS)"
	@echo "make field      distribution-style kernels under loads nobody here wrote, vanilla vs patched (FIELD_SECONDS per source)"
	@echo "make soak       all generators for SOAK_SECONDS on the patched kernels: 0 interrupts, 0 breaks"
	@echo "make oslat      rt-tests oslat on the isolated CPU, vanilla vs patched (x86_64)"
	@echo "make upstream   upstream entry/signal/ptrace kselftests, vanilla vs patched (both arches)"
	@echo "make hardening  selftests on KASAN (preempt=full/none, both arches) and KCSAN (x86_64) kernels"
	@echo "make bisect     every prefix of the series built: x86_64 options on/off, arm64 on (long)"
	@echo "make bisect-selftests  every prefix: the task_isolation selftests compile against its uapi headers"
	@echo "make cost       instruction-count guard: entry paths, vanilla vs patched perf kernels, both arches"
	@echo "make cost-scale the costs at 4, 8 and 16 vCPUs (2, 6, 14 isolated): entry paths, senders, IPI probe"
	@echo "make trace-breaks  trace what breaks isolation in the stress test (both arches, STRESS_SECONDS)"
	@echo "make checkpatch checkpatch --strict on every patch"
	@echo "make doc-check  kernel-doc -none and docutils on the files the series touches: no new warnings"

deps:
	$(S)/deps.sh
run:
	$(S)/demo.sh $(ARCH)
test:
	$(S)/test-all.sh
tree: deps
	$(S)/tree.sh
export:
	$(S)/export.sh
rebase:
	@[ -n "$(VERSION)" ] || { echo "usage: make rebase VERSION=<Debian version of linux-source-6.12>"; exit 1; }
	$(S)/rebase.sh $(VERSION)
build: deps
	$(S)/build-kernel.sh $(ARCH) vanilla debug
	$(S)/build-kernel.sh $(ARCH) patched debug
guest: deps
	$(S)/build-guest.sh $(ARCH)
selftests: deps
	$(S)/build-kernel.sh $(ARCH) patched debug
	$(S)/build-guest.sh $(ARCH)
	$(S)/selftests.sh $(ARCH)
bench: deps
	$(S)/bench.sh -s $(BENCH_SECONDS) x86_64 arm64
scale: deps
	$(S)/bench.sh -n $(SCALE_VCPUS) -s $(SCALE_SECONDS) x86_64 arm64
scale-stress: deps
	$(S)/scale-stress.sh -s $(SCALE_SECONDS) x86_64 arm64
field: deps
	rc=0; TI_X86_CMDLINE="$(FIELD_X86_CMDLINE)" \
		$(S)/bench.sh -V distro -s $(FIELD_SECONDS) $(FIELD_ARCHES) || rc=$$?; \
	$(S)/field-report.sh $(FIELD_ARCHES) | tee build/results/field-report.md; exit $$rc
soak: deps
	for a in x86_64 arm64; do \
		$(S)/build-kernel.sh $$a patched debug && $(S)/build-guest.sh $$a || exit 1; \
	done
	$(S)/soak.sh -s $(SOAK_SECONDS) x86_64 arm64
oslat: deps
	$(S)/build-kernel.sh x86_64 vanilla debug
	$(S)/build-kernel.sh x86_64 patched debug
	$(S)/build-guest.sh x86_64
	$(S)/oslat.sh
upstream: deps
	for a in x86_64 arm64; do \
		$(S)/build-kernel.sh $$a vanilla debug && $(S)/build-kernel.sh $$a patched debug && \
		$(S)/build-guest.sh $$a || exit 1; \
	done
	$(S)/upstream-selftests.sh x86_64 arm64
hardening: deps
	$(S)/hardening.sh
bisect: deps
	$(S)/bisect.sh
bisect-selftests: deps
	$(S)/bisect-selftests.sh
cost: deps
	$(S)/cost.sh x86_64 arm64
cost-scale: deps
	$(S)/cost-scale.sh x86_64 arm64
trace-breaks: deps
	for a in x86_64 arm64; do \
		$(S)/build-kernel.sh $$a patched debug && $(S)/build-guest.sh $$a || exit 1; \
	done
	$(S)/trace-breaks.sh -s $(STRESS_SECONDS) x86_64 arm64
checkpatch:
	$(S)/checkpatch.sh
doc-check: deps
	$(S)/doc-check.sh
clean:
	rm -rf build
