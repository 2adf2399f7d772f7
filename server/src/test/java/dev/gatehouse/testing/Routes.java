package dev.gatehouse.testing;

import dev.gatehouse.http.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The native route table of a running node, and path templates filled with chosen values. */
public final class Routes {

    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    private Routes() {
    }

    /** Every route of the native API ({@code /v1/…}), in table order. */
    public static List<Route> nativeRoutes(TestNode node) {
        return node.node().http().routes().stream().filter(r -> r.path().startsWith("/v1/")).toList();
    }

    /** The path parameter names of a template, in order. */
    public static List<String> params(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The template with every parameter replaced by its value (taken verbatim: encode it yourself). */
    public static String fill(String template, Map<String, String> values) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new AssertionError("no value for path parameter {" + m.group(1) + "} of " + template
                        + "; add one to the test's fixture values");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static boolean takesBody(Route route) {
        String method = route.method().name();
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
