package dev.gatehouse.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The client's shape (docs/client.md): it depends on the JDK and Jackson alone — never on the server — and on the
 * engine only for the in-process replica ({@code GatehouseReplica} and its {@code Replica…} implementation), so
 * the rest of the client stays free of it; its face is interfaces, records and exceptions, with the implementation
 * package-private.
 */
@AnalyzeClasses(packages = "dev.gatehouse.client", importOptions = ImportOption.DoNotIncludeTests.class)
class ClientArchitectureTest {

    /** The replica's classes: {@code GatehouseReplica} and the package-private {@code Replica…}, nested ones too. */
    static final String REPLICA = "dev\\.gatehouse\\.client\\.(GatehouseReplica|Replica[A-Za-z]*)(\\$.*)?";

    @ArchTest
    static final ArchRule dependsOnTheJdkAndJacksonAlone = classes().that().resideInAPackage("dev.gatehouse.client")
            .and().haveNameNotMatching(REPLICA)
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.gatehouse.client..", "java..",
                    "tools.jackson..")
            .because("the client is a library a product embeds: the JDK's HTTP client and Jackson only");

    @ArchTest
    static final ArchRule theReplicaAddsTheEngineAlone = classes().that().resideInAPackage("dev.gatehouse.client")
            .and().haveNameMatching(REPLICA)
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.gatehouse.client..", "java..",
                    "tools.jackson..", "dev.gatehouse.engine..")
            .because("the replica answers with the server's own engine, and with nothing else of the server");

    @ArchTest
    static final ArchRule implementationIsPackagePrivate = noClasses().that().resideInAPackage("dev.gatehouse.client")
            .and().areNotInterfaces().and().areNotRecords().and().areNotEnums()
            .and().areNotAssignableTo(RuntimeException.class)
            .and().doNotHaveFullyQualifiedName(GatehouseClient.Builder.class.getName())
            .and().doNotHaveFullyQualifiedName(GatehouseReplica.Builder.class.getName())
            .should().bePublic()
            .because("public interfaces and records, package-private implementation (STYLE.md)");

    @ArchTest
    static final ArchRule usesNoReflection = noClasses().that().resideInAPackage("dev.gatehouse.client")
            .should().dependOnClassesThat().resideInAnyPackage("java.lang.reflect..", "tools.jackson.databind.annotation..",
                    "com.fasterxml.jackson.annotation..")
            .because("JSON is read and written by hand, field by field: no binding by reflection");
}
