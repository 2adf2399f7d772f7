package dev.gatehouse.http.console;

import java.util.Locale;

/**
 * Reads a request's {@code Accept-Encoding} (RFC 9110, section 12.5.3) for the one coding the console offers, gzip.
 * A coding with {@code q=0} is refused; {@code *} stands for every coding the header does not name. Stateless.
 */
final class AcceptEncoding {

    private AcceptEncoding() {
    }

    /** Whether {@code header} (null: none sent) accepts a gzip-encoded answer. */
    static boolean takesGzip(String header) {
        if (header == null) {
            return false;
        }
        Double gzip = null;
        Double any = null;
        for (String part : header.split(",")) {
            String[] pieces = part.split(";");
            String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
            double weight = weight(pieces);
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzip = gzip == null ? weight : Math.max(gzip, weight);
            } else if (coding.equals("*")) {
                any = weight;
            }
        }
        Double chosen = gzip != null ? gzip : any;
        return chosen != null && chosen > 0;
    }

    /** The {@code q} of one coding: 1 when it has none, 0 when it is no number from 0 to 1. */
    private static double weight(String[] pieces) {
        for (int i = 1; i < pieces.length; i++) {
            String parameter = pieces[i].trim();
            if (parameter.regionMatches(true, 0, "q=", 0, 2)) {
                String value = parameter.substring(2).trim();
                return value.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?") ? Double.parseDouble(value) : 0;
            }
        }
        return 1;
    }
}
