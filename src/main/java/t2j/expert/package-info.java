/**
 * The expert lifecycle: configure an adapter from an {@link t2j.expert.ExpertRecipe}, train it, label it with its
 * metadata, save it (an SVF expert file or a PEFT LoRA folder) and hand it to an expert pool; see
 * {@link t2j.expert.ExpertLifecycle}.
 */
package t2j.expert;
