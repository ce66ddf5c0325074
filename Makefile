# Aviary — see README.md. Every target works on a fresh machine with Go; `assets` and
# `check` also need Node/npm (for Tailwind), `test` uses Postgres when it can find one.
SHELL := /bin/bash
GO    ?= go
PKGS  := ./...

.PHONY: run build test check fmt generate assets bench bench-search soak clean

## run: the demo — SQLite, the Chirp simulator and demo data, one process
run:
	$(GO) run ./cmd/aviary demo

## build: the aviary and chirpsim binaries into bin/ (pure Go, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ ./cmd/...

## test: every test, with the race detector
test:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

## check: formatting, vet, staticcheck, and generated files up to date
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)
	$(GO) tool templ generate -path views >/dev/null
	@git diff --exit-code --stat -- views || { echo "views/*_templ.go are stale: run make generate and commit"; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard views)" || { echo "untracked generated views: commit them"; exit 1; }
	@if [ -d node_modules ]; then $(MAKE) --no-print-directory assets && \
		{ git diff --exit-code --stat -- static || { echo "static assets are stale: run make assets and commit"; exit 1; }; }; \
	else echo "check: node_modules missing, skipped the asset check (npm ci)"; fi

fmt:
	gofmt -w $$(git ls-files '*.go')

## generate: templ components
generate:
	$(GO) tool templ generate -path views

## assets: Tailwind CSS build and vendored htmx (outputs are committed)
assets: node_modules
	npx --no-install tailwindcss -c tailwind.config.js -i static/src/app.css -o static/css/app.css --minify 2>/dev/null
	cp node_modules/htmx.org/dist/htmx.min.js static/js/htmx.min.js

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

## bench: Go benchmarks and the load driver against a real server; writes BENCHMARKS.md
bench:
	$(GO) run ./cmd/aviarybench -out BENCHMARKS.md

## bench-search: support lookup p50/p95 on Postgres with 1,000,000 seeded messages (~2 min)
bench-search:
	AVIARY_BENCH_LARGE=1 $(GO) test -run '^$$' -bench SearchLarge -benchtime 200x -timeout 30m ./models

## soak: the heavier resilience variants
soak:
	AVIARY_SOAK=1 $(GO) test -race -count=1 -timeout 60m -run 'Resilience|Soak' $(PKGS)

clean:
	rm -rf bin
