package t2j.task.real;

/** Pulls Python source out of a chat completion: the first fenced block if any, else the whole text. */
final class PythonCode {
    private PythonCode() {}

    static String extract(String completion) {
        if (completion == null) return "";
        int fence = completion.indexOf("```");
        if (fence < 0) return completion;
        int start = completion.indexOf('\n', fence);
        if (start < 0) return "";
        int end = completion.indexOf("```", start);
        // A missing closing fence means generation stopped mid-block: keep what there is.
        return completion.substring(start + 1, end < 0 ? completion.length() : end);
    }

    static String fenced(String code) {
        return "```python\n" + code.stripTrailing() + "\n```";
    }
}
