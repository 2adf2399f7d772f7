package dev.gatehouse.app;

import dev.gatehouse.preview.PreviewSettings;
import picocli.CommandLine.Option;

/** The {@code serve} option of previews ({@link PreviewSettings}), with its {@code GATEHOUSE_*} variable. */
final class PreviewOptions {

    @Option(names = "--max-concurrent-previews", defaultValue = "${env:GATEHOUSE_MAX_CONCURRENT_PREVIEWS}", description = "previews one node computes at once, 1 to 10000; up to 16 more wait for a place, each up to 5 s, others are answered 503 (GATEHOUSE_MAX_CONCURRENT_PREVIEWS, default half the processors, at least 1)")
    Integer maxConcurrentPreviews;

    /** The settings; an {@link IllegalArgumentException} naming the option when it is out of range. */
    PreviewSettings settings() {
        return PreviewSettings.DEFAULTS.withWhatIfsAtOnce(maxConcurrentPreviews);
    }
}
