package dev.gatehouse.app;

import dev.gatehouse.changelog.ChangeLogSettings;
import picocli.CommandLine.Option;

/** The {@code serve} options of the change log ({@link ChangeLogSettings}), each with its {@code GATEHOUSE_*} variable. */
final class ChangeLogOptions {

    @Option(names = "--poll-millis", defaultValue = "${env:GATEHOUSE_POLL_MILLIS:-1000}", description = "change-log polling interval behind LISTEN/NOTIFY, 10 to 60000 (GATEHOUSE_POLL_MILLIS, default 1000)")
    long pollMillis;

    @Option(names = "--event-retention-days", defaultValue = "${env:GATEHOUSE_EVENT_RETENTION_DAYS:-0}", description = "delete change-log events older than this many days; 0 keeps them all (GATEHOUSE_EVENT_RETENTION_DAYS, default 0)")
    int retentionDays;

    ChangeLogSettings settings() {
        return new ChangeLogSettings(pollMillis, retentionDays);
    }
}
