#!/usr/bin/env bash
# Appends the shipped experts (their exact commands and the base-vs-expert test accuracy table) to a model card.
# Usage: models/card-experts.sh models/tiny-llama   (after models/make.sh has trained the experts)
set -euo pipefail
m="${1:?usage: models/card-experts.sh MODEL_DIR}"
{
  echo
  echo "## Shipped experts"
  echo
  echo "SVF experts (MLP z-vectors, sigmoid-mask parametrization, REINFORCE with greedy rollouts) in \`experts/\`, trained with:"
  echo
  echo '```'
  for task in math code reasoning classification; do
    echo "./t2j train --task $task --model $m --out $m/experts/$task.safetensors $(cat "$(dirname "${BASH_SOURCE[0]}")/expert-flags")"
  done
  echo '```'
  echo
  echo "Test accuracy of the base model and of each expert on each task (\`./t2j matrix --model $m\`):"
  echo
  cat "$m/experts/accuracy.md"
} >> "$m/README.md"
