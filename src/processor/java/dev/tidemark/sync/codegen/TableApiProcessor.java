package dev.tidemark.sync.codegen;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Generates, at compile time, the GraphQL API of every synced entity (a JPA {@code @Entity} extending
 * {@code SyncedEntity}) and the {@code sync} mutation over all of them, so that a table is its entity.
 *
 * <p>The tables of a compilation are listed in {@value #MANIFEST}; a later compilation with the option
 * {@value #EXTEND} that sees that list on its class path (the tests' compilation, adding test-only tables) generates
 * a {@code sync} mutation over the listed tables and its own, in its own package; the earlier one is then left out
 * of that application ({@code quarkus.class-loading.removed-resources}, docs/adding-a-table.md).
 */
@SupportedAnnotationTypes("jakarta.persistence.Entity")
@SupportedOptions(TableApiProcessor.EXTEND)
public class TableApiProcessor extends AbstractProcessor {

    static final String MANIFEST = "META-INF/tidemark/synced-tables";

    /** Option of a compilation that adds tables to those of the manifest on its class path (the tests'). */
    static final String EXTEND = "tidemark.extendTables";

    private boolean done;

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (done || annotations.isEmpty()) {
            return false;
        }
        done = true; // entities are sources, so all of them are in the first round
        List<TableModel> own = new ArrayList<>();
        for (Element element : round.getElementsAnnotatedWith(annotations.iterator().next())) {
            if (element.getKind() == ElementKind.CLASS && !element.getModifiers().contains(Modifier.ABSTRACT)
                    && TableModel.isSyncedEntity((TypeElement) element)) {
                TypeElement entity = (TypeElement) element;
                try {
                    own.add(TableModel.of(entity, processingEnv.getElementUtils().getPackageOf(entity).getQualifiedName().toString()));
                } catch (IllegalArgumentException e) {
                    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, e.getMessage(), entity);
                }
            }
        }
        if (own.isEmpty()) {
            return false;
        }
        try {
            for (TableModel table : own) {
                write(table.qualifiedApi(), TableApiSource.write(table), table.entity());
            }
            Manifest earlier = Boolean.parseBoolean(processingEnv.getOptions().get(EXTEND))
                    ? Manifest.read(processingEnv) : new Manifest(null, List.of());
            Map<String, TableModel> all = new LinkedHashMap<>();
            for (String name : earlier.tables()) {
                TypeElement entity = processingEnv.getElementUtils().getTypeElement(name);
                if (entity == null) {
                    throw new IllegalArgumentException(MANIFEST + " lists " + name + ", which is not on the class path");
                }
                all.put(name, TableModel.of(entity, processingEnv.getElementUtils().getPackageOf(entity).getQualifiedName().toString()));
            }
            own.forEach(t -> all.put(t.entity().getQualifiedName().toString(), t));
            List<TableModel> tables = inDependencyOrder(all.values());
            String syncApi = (own.get(0).packageName().isEmpty() ? "" : own.get(0).packageName() + ".") + "SyncApi";
            if (syncApi.equals(earlier.syncApi())) {
                throw new IllegalArgumentException("the tables of this compilation need a package of their own: their sync "
                        + "mutation, " + syncApi + ", would have the name of the earlier compilation's");
            }
            write(syncApi, SyncApiSource.write(syncApi, tables), own.stream().map(TableModel::entity).toArray(Element[]::new));
            Manifest.write(processingEnv, syncApi, tables);
        } catch (IOException | IllegalArgumentException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "Generating the table APIs failed: " + e.getMessage());
        }
        return false;
    }

    /** Parents before the tables that reference them, ties by name (the order of the sync input's fields). */
    static List<TableModel> inDependencyOrder(java.util.Collection<TableModel> tables) {
        List<TableModel> pending = new ArrayList<>(tables);
        pending.sort(Comparator.comparing(TableModel::name));
        List<TableModel> ordered = new ArrayList<>();
        while (!pending.isEmpty()) {
            TableModel next = pending.stream()
                    .filter(t -> t.parents().stream().allMatch(p -> p.target().equals(t.entity())
                            || pending.stream().noneMatch(o -> o.entity().equals(p.target()))))
                    .findFirst().orElse(pending.get(0));
            ordered.add(next);
            pending.remove(next);
        }
        return ordered;
    }

    /** The qualified type of the many-to-one field {@code field} of {@code entity}. */
    static String parentType(TypeElement entity, String field) {
        return ((TypeElement) ((DeclaredType) manyToOne(entity, field).asType()).asElement()).getQualifiedName().toString();
    }

    /** Whether the many-to-one {@code field} of {@code child} tombstones the child with its parent. */
    static boolean cascades(TypeElement child, String field) {
        return TableModel.annotation(manyToOne(child, field), "dev.tidemark.sync.entity.TombstoneCascade") != null;
    }

    private static Element manyToOne(TypeElement entity, String field) {
        return entity.getEnclosedElements().stream()
                .filter(e -> e.getKind() == ElementKind.FIELD && e.getSimpleName().contentEquals(field)
                        && TableModel.annotation(e, "jakarta.persistence.ManyToOne") != null)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(entity.getSimpleName() + " has no many-to-one field " + field));
    }

    private void write(String className, String source, Element... origins) throws IOException {
        try (Writer writer = processingEnv.getFiler().createSourceFile(className, origins).openWriter()) {
            writer.write(source);
        }
    }

    /** The tables of earlier compilations, and the name of their sync API class. */
    record Manifest(String syncApi, List<String> tables) {

        static Manifest read(javax.annotation.processing.ProcessingEnvironment env) {
            try {
                FileObject file = env.getFiler().getResource(StandardLocation.CLASS_PATH, "", MANIFEST);
                String syncApi = null;
                List<String> tables = new ArrayList<>();
                for (String line : file.getCharContent(true).toString().split("\n")) {
                    if (line.startsWith("sync-api=")) {
                        syncApi = line.substring("sync-api=".length()).trim();
                    } else if (line.startsWith("table=")) {
                        tables.add(line.substring("table=".length()).trim());
                    }
                }
                return new Manifest(syncApi, tables);
            } catch (IOException | IllegalArgumentException e) {
                return new Manifest(null, List.of()); // the first compilation with synced tables
            }
        }

        static void write(javax.annotation.processing.ProcessingEnvironment env, String syncApi, List<TableModel> tables)
                throws IOException {
            FileObject file = env.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", MANIFEST);
            try (Writer writer = new java.io.OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
                writer.write("# Synced tables, written by dev.tidemark.sync.codegen.TableApiProcessor\n");
                writer.write("sync-api=" + syncApi + "\n");
                for (TableModel table : tables) {
                    writer.write("table=" + table.entity().getQualifiedName() + "\n");
                }
            }
        }
    }
}
