#!/usr/bin/env bash
# Rebuilds the bundled tiny models and their shipped experts from scratch, with the exact commands and seeds their
# model cards record, then records the adaptation and transfer golden numbers in the cards. Takes about an hour per
# model on 2 cores. Usage: models/make.sh [llama|mistral ...]; tiny-mistral-from-llama is remade when llama is.
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
  ./t2j adapt --model "$m" --record
done
if [[ " ${families[*]} " == *" llama "* ]]; then
  # tiny-llama's relative in Mistral's architecture, and what happens to tiny-llama's experts on it and on the
  # independently trained tiny-mistral.
  ./t2j pretrain --descend-from models/tiny-llama --family mistral --out models/tiny-mistral-from-llama
  ./t2j transfer --from models/tiny-llama --to models/tiny-mistral-from-llama --record
  [ -d models/tiny-mistral ] && ./t2j transfer --from models/tiny-llama --to models/tiny-mistral --record
fi
