package dev.gatehouse;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.changelog.PendingChange;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The shape docs/architecture.md promises, checked on the compiled main classes: dialects (everything under
 * {@code http}) translate between their wire format and the services, and nothing more. They open no
 * transaction, run no SQL, write no change record and ask the engine nothing themselves; those belong to the
 * services (and, for decisions, to {@code decision/DecisionService}), where every API reaches the same rules.
 */
@AnalyzeClasses(packages = "dev.gatehouse", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** SQL and the database driver: JDBI, JDBC, and every feature's SQL store ({@code *Store}). */
    private static final DescribedPredicate<JavaClass> SQL = resideInAnyPackage("org.jdbi..", "java.sql..",
            "javax.sql..", "org.postgresql..", "com.zaxxer..")
            .or(resideInAPackage("dev.gatehouse..").and(simpleNameEndingWith("Store")))
            .or(belongToAnyOf(SqlTime.class))
            .as("SQL (JDBI, JDBC, a feature's store)");

    /** What opens a transaction or hands one out, and what appends to the change log inside one. */
    private static final DescribedPredicate<JavaClass> TRANSACTIONS = belongToAnyOf(Store.class, Tx.class,
            Access.class, Caller.class, PendingChange.class)
            .as("transactions and change-log writes (Store, Tx, Access, Caller, PendingChange)");

    @ArchTest
    static final ArchRule dialectsRunNoSql = noClasses().that().resideInAPackage("dev.gatehouse.http..")
            .should().dependOnClassesThat(SQL)
            .because("SQL lives in each feature's store, behind its service");

    @ArchTest
    static final ArchRule dialectsOpenNoTransactions = noClasses().that().resideInAPackage("dev.gatehouse.http..")
            .should().dependOnClassesThat(TRANSACTIONS)
            .because("a service opens the transaction, applies every rule in it and records the change");

    @ArchTest
    static final ArchRule dialectsAskTheEngineThroughTheDecisionService = noClasses()
            .that().resideInAPackage("dev.gatehouse.http..")
            .should().dependOnClassesThat(belongToAnyOf(DecisionEngine.class))
            .because("who may ask about whom, and which member a request names, are decided once, in "
                    + "decision/DecisionService");
}
