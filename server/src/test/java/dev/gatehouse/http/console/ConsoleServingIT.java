package dev.gatehouse.http.console;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console as the server serves it: where it lives, content types, revalidation, the security headers on
 * every answer, and the rules its files keep (no inline script or style, no key in localStorage).
 */
class ConsoleServingIT {

    /** A client that sends exactly the Accept-Encoding given and hands back the bytes as they came. */
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void root_andBareConsolePath_redirectToTheConsole() {
        for (String path : List.of("/", "/console")) {
            Http.Res res = node.anonymous().get(path);
            assertThat(res.status()).as(path).isIn(301, 302, 303, 307);
            assertThat(res.header("Location")).as(path).isEqualTo("/console/");
        }
    }

    @Test
    void index_isHtmlWithTheSecurityHeaders() {
        Http.Res res = node.anonymous().get("/console/");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("Content-Type")).matches("text/html; ?charset=utf-8");
        assertThat(res.body()).contains("<script type=\"module\" src=\"/console/main.js\"></script>");
        assertSecure(res);
    }

    @Test
    void files_haveTheirContentTypes() {
        assertThat(node.anonymous().get("/console/main.js").header("Content-Type")).matches("text/javascript; ?charset=utf-8");
        assertThat(node.anonymous().get("/console/console.css").header("Content-Type")).matches("text/css; ?charset=utf-8");
        assertThat(node.anonymous().get("/console/favicon.svg").header("Content-Type")).isEqualTo("image/svg+xml");
        assertThat(node.anonymous().get("/console/index.html").body()).isEqualTo(node.anonymous().get("/console/").body());
    }

    @Test
    void files_areRevalidated_andAnswer304WhenUnchanged() {
        Http.Res first = node.anonymous().get("/console/api.js");
        assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
        String etag = first.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        Http.Res again = node.anonymous().header("If-None-Match", etag).get("/console/api.js");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertSecure(again);
        Http.Res changed = node.anonymous().header("If-None-Match", "\"0123\"").get("/console/api.js");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo(first.body());
    }

    @Test
    void unknownConsolePaths_are404ProblemsWithTheSecurityHeaders() {
        for (String path : List.of("/console/roles", "/console/nothing.js", "/console/a/b.js",
                "/console/main.class", "/console/Main.js")) {
            Http.Res res = node.anonymous().get(path);
            assertThat(res.status()).as(path).isEqualTo(404);
            assertThat(res.header("Content-Type")).as(path).startsWith("application/problem+json");
            assertSecure(res);
        }
    }

    /** The router reads {@code /console/main.js/} as {@code /console/main.js}: a file's path has no trailing slash. */
    @Test
    void aFilesPathWithATrailingSlash_is404() {
        for (String path : List.of("/console/main.js/", "/console/index.html/", "/console/sign-in.json/",
                "/console/favicon.svg//")) {
            Http.Res res = node.anonymous().get(path);
            assertThat(res.status()).as(path).isEqualTo(404);
            assertThat(res.header("Content-Type")).as(path).startsWith("application/problem+json");
            assertSecure(res);
        }
        assertThat(node.anonymous().get("/console/").status()).isEqualTo(200);
    }

    /**
     * A file sent gzip-encoded is another representation than the file as it is: it has an entity tag of its own,
     * the answer says it varies with {@code Accept-Encoding}, and a 304 names the file's own content type.
     */
    @Test
    void gzipEncodedFiles_haveTheirOwnEntityTag_varyByAcceptEncoding_andRevalidateAsThemselves() throws Exception {
        HttpResponse<byte[]> plain = fetch("/console/members.js", "identity", null);
        HttpResponse<byte[]> gzipped = fetch("/console/members.js", "gzip, deflate, br", null);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(gzipped.statusCode()).isEqualTo(200);
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        for (HttpResponse<byte[]> res : List.of(plain, gzipped)) {
            assertThat(res.headers().allValues("Vary")).as(res.toString()).anyMatch(v -> v.contains("Accept-Encoding"));
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
        String plainTag = plain.headers().firstValue("ETag").orElseThrow();
        String gzipTag = gzipped.headers().firstValue("ETag").orElseThrow();
        assertThat(gzipTag).isNotEqualTo(plainTag).startsWith("\"").endsWith("\"");

        HttpResponse<byte[]> same = fetch("/console/members.js", "gzip", gzipTag);
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.headers().firstValue("ETag")).hasValue(gzipTag);
        assertThat(same.headers().firstValue("Content-Type").orElse("text/javascript")).startsWith("text/javascript");
        // the gzip representation's tag does not stand for the file as it is, nor the other way round
        assertThat(fetch("/console/members.js", "identity", gzipTag).statusCode()).isEqualTo(200);
        assertThat(fetch("/console/members.js", "gzip", plainTag).statusCode()).isEqualTo(200);
        assertThat(fetch("/console/members.js", "gzip;q=0, identity", null).headers().firstValue("Content-Encoding"))
                .isEmpty();
        HttpResponse<byte[]> unchanged = fetch("/console/members.js", "identity", plainTag);
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.headers().firstValue("Content-Type").orElse("text/javascript"))
                .startsWith("text/javascript");
    }

    private static HttpResponse<byte[]> fetch(String path, String acceptEncoding, String ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Accept-Encoding", acceptEncoding);
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code /console/} is routed to {@code /console}: a method it does not take names the methods it does. */
    @Test
    void aMethodTheConsoleDoesNotTake_is405NamingTheMethodsItDoes_withOrWithoutATrailingSlash() {
        for (String path : List.of("/", "/console", "/console/", "/console/main.js")) {
            Http.Res res = node.anonymous().raw("POST", path, "{}", "application/json");
            assertThat(res.status()).as(path).isEqualTo(405);
            assertThat(res.header("Allow")).as(path).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void consoleFiles_holdNoInlineScriptOrStyle_andNeverUseLocalStorage() {
        Pattern script = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
        Pattern handler = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
        Pattern style = Pattern.compile("<style|\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
        for (Path file : consoleFiles()) {
            String text = read(file);
            String name = file.getFileName().toString();
            if (name.endsWith(".html")) {
                assertThat(script.matcher(text).find()).as(name + " has an inline script").isFalse();
                assertThat(handler.matcher(text).find()).as(name + " has an event handler attribute").isFalse();
                assertThat(style.matcher(text).find()).as(name + " has inline style").isFalse();
            }
            if (name.endsWith(".js")) {
                assertThat(text).as(name).doesNotContain("localStorage", "document.cookie", "innerHTML", "eval(",
                        "new Function", "setAttribute('style'", ".style.");
            }
        }
    }

    /** A form submitted twice while its request is in flight would write twice: dom.js's onSubmit stops the second. */
    @Test
    void everyFormSubmits_throughTheHandlerThatIgnoresASecondSubmissionInFlight() {
        for (Path file : consoleFiles()) {
            String name = file.getFileName().toString();
            if (name.endsWith(".js") && !name.equals("dom.js")) {
                assertThat(read(file)).as(name).doesNotContain("addEventListener('submit'",
                        "addEventListener(\"submit\"", ".onsubmit");
            }
        }
    }

    @Test
    void everyScriptTheConsoleImports_isServed() {
        Pattern imports = Pattern.compile("from '\\./([a-z-]+\\.js)'");
        for (Path file : consoleFiles()) {
            Matcher m = imports.matcher(read(file));
            while (m.find()) {
                assertThat(node.anonymous().get("/console/" + m.group(1)).status()).as(m.group(1)).isEqualTo(200);
            }
        }
    }

    @Test
    void signInOptions_withoutAnIssuer_areKeysOnly_andThePolicyReachesNoOtherOrigin() {
        Http.Res res = node.anonymous().get("/console/sign-in.json");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("oidc").isNull()).as(res.toString()).isTrue();
        assertThat(res.header("Cache-Control")).isEqualTo("no-store");
        assertSecure(res);
        assertThat(node.anonymous().get("/console/").header("Content-Security-Policy")).contains("connect-src 'self';");
    }

    private static void assertSecure(Http.Res res) {
        String csp = res.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                "object-src 'none'").doesNotContain("unsafe");
        assertThat(res.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(res.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    private static List<Path> consoleFiles() {
        Path dir = Path.of("src/main/resources/console");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.sorted().toList();
            assertThat(all).isNotEmpty();
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
