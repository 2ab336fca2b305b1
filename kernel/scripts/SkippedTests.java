import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Lists the tests a build skipped and why, from the surefire reports under the given module directories
 * ({@code java kernel/scripts/SkippedTests.java src dsl kernel}); ./t2j test prints it after mvn verify, so a test
 * skipped for a missing tool (Jupyter, Chromium, PyTorch) is named at the end instead of passing unseen.
 */
public class SkippedTests {
    public static void main(String[] args) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String module : args) {
            Path reports = Path.of(module, "target", "surefire-reports");
            if (!Files.isDirectory(reports)) continue;
            List<Path> files;
            try (Stream<Path> s = Files.list(reports)) {
                files = s.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
            }
            for (Path file : files) {
                Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                        .parse(new File(file.toString())).getDocumentElement();
                NodeList cases = suite.getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    NodeList skipped = c.getElementsByTagName("skipped");
                    if (skipped.getLength() == 0) continue;
                    String why = ((Element) skipped.item(0)).getAttribute("message");
                    lines.add("  " + module + ": " + c.getAttribute("classname").replaceFirst(".*\\.", "") + "."
                            + c.getAttribute("name") + " \u2014 " + (why.isBlank() ? "(no reason given)" : why));
                }
            }
        }
        if (lines.isEmpty()) {
            System.out.println("t2j: no test was skipped.");
        } else {
            String tests = lines.size() == 1 ? " test was" : " tests were";
            System.out.println("t2j: " + lines.size() + tests + " skipped:");
            lines.forEach(System.out::println);
        }
    }
}
