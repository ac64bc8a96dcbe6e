# Two commands: `make run` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test test-dates check lint typecheck layers sysdeps bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/clerk demo seed --if-empty --pause
	@BIN=$(BIN) bash scripts/run-demo.sh

# Two workers for the two cores the suite is sized for; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

test: $(STAMP) sysdeps check
	@$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist worksteal --durations=15

# The suite today and under faketime on 2027-06-15 10:00 and 2030-01-02 09:00 (scripts/test-dates.sh;
# about three times `make test`). TEST_DATES="2028-02-29 12:00,..." picks other days.
test-dates: $(STAMP) sysdeps check
	@BIN=$(BIN) PYTEST_WORKERS=$(PYTEST_WORKERS) bash scripts/test-dates.sh

check: lint typecheck layers

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

typecheck: $(STAMP)
	@$(BIN)/mypy --strict clerk screens services printing

layers: $(STAMP)
	@$(BIN)/lint-imports

sysdeps:
	@bash scripts/sysdeps.sh

# Every bench runs to the end; those over a target (or failing) are named last and make it exit 1.
bench: $(STAMP)
	@failed=""; for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "== over target or failed:$$failed"; exit 1; fi; echo "== every bench within its targets"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
