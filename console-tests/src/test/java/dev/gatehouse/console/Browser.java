package dev.gatehouse.console;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through its own chromedriver (no driver download: both paths are given,
 * so Selenium Manager is never asked), with the lookups the console's tests speak in: headings, buttons, links
 * and controls found by their visible labels, as a person using a keyboard or a screen reader finds them.
 * Not thread-safe: one test thread drives it.
 */
final class Browser implements AutoCloseable {

    static final Dimension LAPTOP = new Dimension(1280, 860);
    static final Dimension TABLET = new Dimension(820, 1100);
    /** A laptop width with room for a long form in one picture. */
    static final Dimension TALL = new Dimension(1280, 1300);

    private final ChromeDriver driver;
    private final String base;
    private final WebDriverWait wait;
    private final Path screenshots;

    Browser(String base) {
        this.base = base;
        String chromium = executable("CHROMIUM", "/usr/bin/chromium");
        String chromedriver = executable("CHROMEDRIVER", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--lang=en-US", "--force-device-scale-factor=1", "--hide-scrollbars",
                "--window-size=" + LAPTOP.width + "," + LAPTOP.height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        // a screen drawn again while a condition is read (the reload after a write) is read again, not a failure
        this.wait.ignoring(StaleElementReferenceException.class);
        this.screenshots = Path.of(System.getProperty("console.screenshots", "target/screenshots"));
    }

    /** An executable from the environment variable, else the Debian path; a clear failure when there is none. */
    private static String executable(String variable, String debianPath) {
        String path = System.getenv(variable) != null ? System.getenv(variable) : debianPath;
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: run .ci/browser-deps (installs Debian's chromium and "
                    + "chromium-driver) or set " + variable);
        }
        return path;
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens a path of the server, e.g. {@code /} or {@code /console/#/roles}. */
    void open(String path) {
        driver.get(base + path);
    }

    String url() {
        return driver.getCurrentUrl();
    }

    /** Reloads the page, as a person pressing F5 does. */
    void reload() {
        driver.navigate().refresh();
    }

    /**
     * Runs {@code script} in every page this tab loads from now on, before the page's own scripts (through the
     * DevTools protocol); returns the id {@link #notOnEveryPage} takes.
     */
    String onEveryPage(String script) {
        return (String) driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script))
                .get("identifier");
    }

    void notOnEveryPage(String id) {
        driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
    }

    /**
     * Makes the browser fail every request whose URL matches one of {@code patterns} ({@code *} for any text), as
     * if the network dropped them; none: requests go through again. Through the DevTools protocol.
     */
    void failRequests(String... patterns) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of(patterns)));
    }

    void size(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /** Waits until the page's heading reads {@code text}. */
    WebElement heading(String text) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//h1[normalize-space()=" + literal(text)
                + "]")));
    }

    WebElement waitFor(By locator) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until an element located so holds {@code text} (visible text, anywhere in it). */
    WebElement waitForText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        return driver.findElement(locator);
    }

    void waitUntil(java.util.function.Function<WebDriver, Boolean> condition) {
        wait.until(condition::apply);
    }

    WebElement button(String text) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()=" + literal(text)
                + "]")));
    }

    WebElement link(String text) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//a[normalize-space()=" + literal(text)
                + "]")));
    }

    void click(WebElement element) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    void press(String buttonText) {
        click(button(buttonText));
    }

    /** The control a visible label names (the first visible one when several forms use the label). */
    WebElement control(String label) {
        By labels = By.xpath("//label[normalize-space()=" + literal(label) + "]");
        wait.until(ExpectedConditions.visibilityOfElementLocated(labels));
        for (WebElement l : driver.findElements(labels)) {
            if (l.isDisplayed()) {
                String id = l.getDomAttribute("for");
                return id != null ? driver.findElement(By.id(id)) : l.findElement(By.xpath(".//input"));
            }
        }
        throw new AssertionError("no visible label " + label);
    }

    /** Types into a labelled control, replacing what it held. */
    void type(String label, String text) {
        WebElement input = control(label);
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }

    /** Chooses an option of a labelled select by its visible text. */
    void choose(String label, String option) {
        new org.openqa.selenium.support.ui.Select(control(label)).selectByVisibleText(option);
    }

    /** The error shown under a labelled control (waits for it). */
    String fieldError(String label) {
        WebElement input = control(label);
        By error = By.id(input.getDomAttribute("id") + "-error");
        wait.until(ExpectedConditions.visibilityOfElementLocated(error));
        return driver.findElement(error).getText();
    }

    /** The problem box of the form around the element. */
    String formProblem() {
        return waitFor(By.cssSelector(".form-problem")).getText();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Controls on the page that no label, aria-label or aria-labelledby names. */
    @SuppressWarnings("unchecked")
    List<String> unlabelledControls() {
        return (List<String>) script("return [...document.querySelectorAll('input, select, textarea, button')]"
                + ".filter(e => e.offsetParent !== null && e.type !== 'hidden')"
                + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') "
                + "&& !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))"
                + ".map(e => e.outerHTML.slice(0, 120))");
    }

    /** Whether the page is wider than the window (a layout that does not fit the screen). */
    boolean scrollsSideways() {
        return (Boolean) script("return document.documentElement.scrollWidth > window.innerWidth + 1");
    }

    /** Saves what the window shows, scrolled to the top, as {@code name.png} in the screenshot folder. */
    void screenshot(String name) {
        script("window.scrollTo(0, 0)");
        capture(name);
    }

    /** Saves what the window shows with {@code element} near its top as {@code name.png}. */
    void screenshot(String name, WebElement element) {
        script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -120)", element);
        capture(name);
    }

    private void capture(String name) {
        script("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(screenshots);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IllegalStateException("the browser returned no image for " + name);
            }
            ImageIO.write(image, "png", screenshots.resolve(name + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An XPath string literal of any text. */
    static String literal(String text) {
        if (!text.contains("'")) {
            return "'" + text + "'";
        }
        return "concat('" + text.replace("'", "', \"'\", '") + "')";
    }

    @Override
    public void close() {
        driver.quit();
    }
}
