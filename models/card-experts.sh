#!/usr/bin/env bash
# Writes the shipped experts' section (their exact commands and the base-vs-expert test accuracy table) into a model
# card, replacing the section an earlier run wrote. Usage: models/card-experts.sh models/tiny-llama
# (after models/make.sh has trained the experts and written experts/accuracy.md)
set -euo pipefail
m="${1:?usage: models/card-experts.sh MODEL_DIR}"
# Keep the card up to its "## Shipped experts" heading (the pretraining part), then write the section anew.
card="$(awk '/^## Shipped experts$/ {exit} {print}' "$m/README.md")"
{
  printf '%s\n' "$card" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
  echo
  echo "## Shipped experts"
  echo
  echo "SVF experts (MLP z-vectors, sigmoid-mask parametrization, REINFORCE on rollouts sampled at the given temperature;"
  echo "\`--samples-per-prompt\` adds a per-prompt baseline, \`--selection-holdout\`/\`--selection-z\` choose the best checkpoint"
  echo "on more examples and only on a significant gain over the base model) in \`experts/\`, trained with:"
  echo
  echo '```'
  for task in math code reasoning classification; do
    # An expert's own flags file (experts/TASK.flags) overrides the shared models/expert-flags, as in models/make.sh.
    flags="$(dirname "${BASH_SOURCE[0]}")/expert-flags"
    [ -f "$m/experts/$task.flags" ] && flags="$m/experts/$task.flags"
    echo "./t2j train --task $task --model $m --out $m/experts/$task.safetensors $(cat "$flags")"
  done
  echo '```'
  echo
  echo "Test accuracy of the base model and of each expert on each task (\`./t2j matrix --model $m\`):"
  echo
  cat "$m/experts/accuracy.md"
} > "$m/README.md.new"
mv "$m/README.md.new" "$m/README.md"
