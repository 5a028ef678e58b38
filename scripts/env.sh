# Sourced by the scripts: one cargo target directory outside the checkout, shared by every
# clone on the machine (yours and CI's), so builds warm each other.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/energy-target}"
mkdir -p "$CARGO_TARGET_DIR"
