package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.math.BigDecimal;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.ObjectReader;

/**
 * Which numbers a request body may carry: those that read back once stored. PostgreSQL's {@code jsonb} keeps a
 * number by its value, written out in full ({@code 1e3} as {@code 1000}, {@code 1e-3} as {@code 0.001}, {@code 1.50}
 * as {@code 1.50}, {@code -0} as {@code 0} and {@code -0.0} as {@code 0.0}: a zero has no sign), and so does the
 * mapper ({@link Json#MAPPER}), so that the answer to a write shows a number as every later read of the stored value
 * does. The JSON parser reads no number of more than {@link #MAX_DIGITS} (1000) digits; so a number of more digits
 * than that written out ({@code 1e1000}: a 1 and 1000 zeros) would be stored and then be unreadable to every read of
 * what holds it — the write itself answered 500 as it read its own value back. Each is refused on input instead
 * ({@code 400 invalid_input} naming where it is), whatever route reads the body: this is checked with the strings
 * ({@link Text#check}) on every body {@link Json#parse} reads.
 *
 * <p>An integer as written never has too many digits (the parser refuses more than {@link #MAX_DIGITS} on input, a
 * sign not counted, as on reading back); only an exponent or a fraction's zeros make a number longer written out.
 *
 * <p>Thread-safe (stateless).
 */
final class StoredNumbers {

    /** The parser's limit on a number's length (1000), which a stored value must meet to be read again. */
    static final int MAX_DIGITS = Json.MAPPER.tokenStreamFactory().streamReadConstraints().getMaxNumberLength();

    private static final String WHY = "numbers are stored written out in full, with at most " + MAX_DIGITS + " digits";

    private StoredNumbers() {
    }

    /** Null when {@code number} reads back once stored, else what is wrong with it, ready to follow a field name. */
    static String problem(BigDecimal number) {
        long digits = digitsWrittenOut(number);
        return digits <= MAX_DIGITS ? null : "the number " + Fields.abbreviate(number.toString()) + " has " + digits
                + " digits written out; " + WHY;
    }

    /**
     * How many digits {@code number} has written out as PostgreSQL writes it (sign and point not counted): a
     * fraction keeps its scale and a zero before the point ({@code 0.001}: 4), an exponent becomes zeros
     * ({@code 1.5e3}: 4), a zero is 0 with its fraction's zeros.
     */
    static long digitsWrittenOut(BigDecimal number) {
        long scale = number.scale();
        long precision = number.signum() == 0 ? 1 : number.precision();
        if (scale <= 0) {
            return number.signum() == 0 ? 1 : precision - scale;
        }
        return precision > scale ? precision : 1 + scale;
    }

    /**
     * The refusal of the first number in {@code body} whose exponent a Java decimal cannot hold
     * ({@code 1e99999999999}): the mapper fails on it with a {@link NumberFormatException}, unlike on any mistake in
     * the JSON, so {@code body} is read again to name where it is. {@code reader} reads as the mapper does.
     */
    static InvalidInputException exponentOutOfRange(byte[] body, ObjectReader reader) {
        try (JsonParser p = reader.createParser(body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    String text = p.getString();
                    try {
                        p.getDecimalValue();
                    } catch (NumberFormatException e) {
                        String field = path(p.streamReadContext());
                        return InvalidInputException.field(field.isEmpty() ? "body" : Text.printable(field),
                                "the number " + Fields.abbreviate(text) + " has an exponent out of range; " + WHY);
                    }
                }
            }
        } catch (JacksonException e) {
            // the text breaks after the number, where the mapper never got: the refusal below names no field
        }
        return new InvalidInputException("invalid_input", "a number has an exponent out of range; " + WHY);
    }

    /** Where a parser stands, as {@link Text#check} names fields: {@code events[0].extra_filter.value}. */
    private static String path(TokenStreamContext at) {
        if (at == null || at.inRoot()) {
            return "";
        }
        String parent = path(at.getParent());
        if (at.inArray()) {
            return parent + "[" + at.getCurrentIndex() + "]";
        }
        return (parent.isEmpty() ? "" : parent + ".") + at.currentName();
    }
}
