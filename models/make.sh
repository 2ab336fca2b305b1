#!/usr/bin/env bash
# Rebuilds the bundled tiny models and their shipped experts from scratch, with the exact commands and seeds their
# model cards record. Takes about an hour per model on 2 cores. Usage: models/make.sh [llama|mistral ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
families=("$@")
[ ${#families[@]} -gt 0 ] || families=(llama mistral)
for family in "${families[@]}"; do
  m="models/tiny-$family"
  ./t2j pretrain --family "$family" --out "$m" --steps 3000 --lr 2e-3 --per-task 20000
  # The second stage teaches the hasty annotator's habit (see the model card); the seeds are the cards' own.
  ./t2j pretrain --tune --out "$m" --seed "$([ "$family" = llama ] && echo 11 || echo 12)"
  for task in math code reasoning classification; do
    # An expert's own flags file (experts/TASK.flags) overrides the shared models/expert-flags.
    flags=models/expert-flags
    [ -f "$m/experts/$task.flags" ] && flags="$m/experts/$task.flags"
    # shellcheck disable=SC2046
    ./t2j train --task "$task" --model "$m" --out "$m/experts/$task.safetensors" $(cat "$flags")
  done
  ./t2j matrix --model "$m" > "$m/experts/accuracy.md"
  models/card-experts.sh "$m"
done
