package dev.gatehouse.room;

import java.util.List;

/**
 * An eSignature permission profile, as Rooms lists them before a user is invited ({@code eSignPermissionProfileId}).
 * Gatehouse has no eSignature account: it offers eSignature's three standard profiles, and keeps the id a user is
 * invited with as given.
 */
public record ESignPermissionProfile(String id, String name) {

    /** eSignature's standard permission profiles. */
    public static final List<ESignPermissionProfile> STANDARD = List.of(
            new ESignPermissionProfile("account_administrator", "Account Administrator"),
            new ESignPermissionProfile("docusign_sender", "DocuSign Sender"),
            new ESignPermissionProfile("docusign_viewer", "DocuSign Viewer"));
}
