package t2j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import t2j.json.Json;
import t2j.tokenizer.Tokenizer;
import t2j.tokenizer.TokenizerException;

/**
 * {@code t2j tokenize}: prints the token ids of a text as a JSON array, so our tokenizer can be checked against
 * other implementations (and prompts inspected).
 */
public final class TokenizeCommand {
    static final String HELP = String.join(
            "\n",
            "usage: t2j tokenize --tokenizer DIR (--text TEXT | --file FILE) [--with-specials] [--tokens]",
            "",
            "Prints the token ids of TEXT as a JSON array, e.g. [9906,11,1917,0].",
            "",
            "  --tokenizer DIR    folder holding tokenizer.json (and optionally tokenizer_config.json),",
            "                     usually the model folder; or the tokenizer.json file itself",
            "  --text TEXT        the text; special tokens written in it (<|eot_id|>, [INST]) become their ids",
            "  --file FILE        read the text from a UTF-8 file instead",
            "  --with-specials    also add what the tokenizer's post-processor adds (BOS for Mistral);",
            "                     by default nothing is added",
            "  --tokens           print the token strings instead of the ids",
            "");

    private TokenizeCommand() {}

    /** Standalone entry point, for use without the t2j launcher. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status (0 ok, 1 bad input files, 2 bad command line). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String dir = null, text = null, file = null;
        boolean specials = false, tokens = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help":
                case "-h":
                    out.print(HELP);
                    return 0;
                case "--with-specials":
                    specials = true;
                    break;
                case "--tokens":
                    tokens = true;
                    break;
                case "--tokenizer":
                case "--text":
                case "--file":
                    if (i + 1 >= args.length) return usage(err, "option " + a + " needs a value");
                    String v = args[++i];
                    if (a.equals("--tokenizer")) dir = v;
                    else if (a.equals("--text")) text = v;
                    else file = v;
                    break;
                default:
                    return usage(err, "unknown option '" + a + "'");
            }
        }
        if (dir == null) return usage(err, "missing --tokenizer");
        if ((text == null) == (file == null)) return usage(err, "give exactly one of --text and --file");
        try {
            if (file != null) text = Files.readString(Path.of(file));
            Tokenizer tok = Tokenizer.load(Path.of(dir));
            int[] ids = specials ? tok.encodeWithSpecials(text) : tok.encode(text);
            if (!tokens) {
                out.println(Json.write(ids));
            } else {
                java.util.List<String> strs = new java.util.ArrayList<>();
                for (int id : ids) strs.add(tok.token(id));
                out.println(Json.write(strs));
            }
            return 0;
        } catch (IOException e) {
            err.println("t2j tokenize: cannot read " + file + ": " + e.getMessage());
            return 1;
        } catch (TokenizerException | UncheckedIOException e) {
            err.println("t2j tokenize: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err, String what) {
        err.println("t2j tokenize: " + what + " (see t2j tokenize --help)");
        return 2;
    }
}
