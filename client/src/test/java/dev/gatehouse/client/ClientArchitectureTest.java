package dev.gatehouse.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The client's shape (docs/client.md): it depends on the JDK and Jackson alone — never on the server or the
 * engine, so a product adds one small jar — and its face is interfaces, records and exceptions, with the
 * implementation package-private.
 */
@AnalyzeClasses(packages = "dev.gatehouse.client", importOptions = ImportOption.DoNotIncludeTests.class)
class ClientArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnTheJdkAndJacksonAlone = classes().that().resideInAPackage("dev.gatehouse.client")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.gatehouse.client..", "java..",
                    "tools.jackson..")
            .because("the client is a library a product embeds: the JDK's HTTP client and Jackson only");

    @ArchTest
    static final ArchRule implementationIsPackagePrivate = noClasses().that().resideInAPackage("dev.gatehouse.client")
            .and().areNotInterfaces().and().areNotRecords().and().areNotEnums()
            .and().areNotAssignableTo(RuntimeException.class)
            .and().doNotHaveFullyQualifiedName(GatehouseClient.Builder.class.getName())
            .should().bePublic()
            .because("public interfaces and records, package-private implementation (STYLE.md)");

    @ArchTest
    static final ArchRule usesNoReflection = noClasses().that().resideInAPackage("dev.gatehouse.client")
            .should().dependOnClassesThat().resideInAnyPackage("java.lang.reflect..", "tools.jackson.databind.annotation..",
                    "com.fasterxml.jackson.annotation..")
            .because("JSON is read and written by hand, field by field: no binding by reflection");
}
