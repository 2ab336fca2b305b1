/**
 * Self-adaptation, Transformer²'s inference side: a first pass decides how to adapt each request
 * ({@link t2j.adapt.Dispatcher}: {@link t2j.adapt.PromptDispatcher}, {@link t2j.adapt.ClassifierDispatcher}, a
 * few-shot mixture found by {@link t2j.adapt.FewShotCem}, or a user's lambda), the chosen experts are composed into
 * the weights (z′ = Σ α_k z_k, {@link t2j.adapt.ExpertPool}, {@link t2j.adapt.Mixture}), and a second pass answers
 * ({@link t2j.adapt.TwoPass}). {@link t2j.adapt.Transfer} moves experts between models;
 * {@link t2j.adapt.AdaptationStudy} runs the paper's comparison and returns plain records
 * ({@link t2j.adapt.AccuracyTable}, {@link t2j.adapt.ConfusionMatrix}, {@link t2j.adapt.TimingSummary},
 * {@link t2j.adapt.FewShotCem.Result}) for tables and plots.
 *
 * <p>Where this differs from the released code on purpose: mixtures are {@code Σ α_k·mask(z_k)}, so a one-hot α is
 * exactly that expert (the code mixed raw z); "other" and unparsable classifications use the base weights (the code
 * kept the last loaded expert); the model is back at its base weights after every call, also when interrupted.
 */
package t2j.adapt;
