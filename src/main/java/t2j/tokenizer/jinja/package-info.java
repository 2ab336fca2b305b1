/**
 * A Jinja interpreter for the subset that Hugging Face chat templates use: lexer ({@code TemplateLexer}), parser
 * ({@code TemplateParser}) into a syntax tree ({@code TemplateAst}), interpreter ({@code TemplateInterpreter}) with
 * Jinja's filters and tests ({@code JinjaFilters}) over Python values and methods ({@code PyValues},
 * {@code PyMethods}). {@link t2j.tokenizer.jinja.Template} is its only entry point; it knows nothing of chats or
 * tokenizers, which {@code t2j.tokenizer.ChatTemplate} adds on top.
 */
package t2j.tokenizer.jinja;
