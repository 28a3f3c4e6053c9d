package dev.tidemark.sync.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * What the table API generator needs of one synced entity, read from its source (or class file):
 * its columns, relations and descriptions, under the same mapping rules the engine's registry reads at run time.
 */
record TableModel(TypeElement entity, String packageName, String name, List<Column> columns, List<Parent> parents,
        List<Child> children, List<Through> throughs) {

    static final String SYNCED_ENTITY = "dev.tidemark.sync.entity.SyncedEntity";

    /**
     * A column the entity declares (the base class's sync columns are {@code SyncedWhere}'s and
     * {@code SyncedInput}'s). Every column is in the where-input, as syncSchema lists it and the
     * client's replica filters on it; only a writable one is in the save input ({@code @CreatedBy}
     * is the server's).
     */
    record Column(String field, String javaType, boolean nullable, boolean writable) {
    }

    /** A many-to-one field. */
    record Parent(String field, TypeElement target, boolean cascade, String description) {
    }

    /** A one-to-many field (mappedBy the child's many-to-one {@code parentField}). */
    record Child(String field, TypeElement target, String parentField, String description) {
    }

    /** A many-to-many field through a join table. */
    record Through(String name, String via, String to, String description) {
    }

    String apiName() {
        return name + "Api";
    }

    String qualifiedApi() {
        return packageName.isEmpty() ? apiName() : packageName + "." + apiName();
    }

    /** {@code userDocuments}: the query field, and the field of the sync input and result. */
    String plural() {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1) + "s";
    }

    /** {@code user document}: the table's name in descriptions. */
    static String noun(String typeName) {
        return typeName.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    static boolean isSyncedEntity(TypeElement type) {
        for (TypeMirror t = type.getSuperclass(); t.getKind() == TypeKind.DECLARED; ) {
            TypeElement s = (TypeElement) ((DeclaredType) t).asElement();
            if (s.getQualifiedName().contentEquals(SYNCED_ENTITY)) {
                return true;
            }
            t = s.getSuperclass();
        }
        return false;
    }

    /** Reads the entity; throws {@link IllegalArgumentException} with a message for the author when it breaks a rule. */
    static TableModel of(TypeElement entity, String packageName) {
        List<Column> columns = new ArrayList<>();
        List<Parent> parents = new ArrayList<>();
        List<Child> children = new ArrayList<>();
        for (Element member : entity.getEnclosedElements()) {
            if (member.getKind() != ElementKind.FIELD || member.getModifiers().contains(Modifier.STATIC)) {
                continue;
            }
            VariableElement field = (VariableElement) member;
            String name = field.getSimpleName().toString();
            if (annotation(field, "jakarta.persistence.Column") != null) {
                Object nullable = value(annotation(field, "jakarta.persistence.Column"), "nullable");
                columns.add(new Column(name, typeName(field.asType()), nullable == null || (Boolean) nullable,
                        annotation(field, "dev.tidemark.sync.entity.CreatedBy") == null));
            } else if (annotation(field, "jakarta.persistence.ManyToOne") != null) {
                parents.add(new Parent(name, (TypeElement) ((DeclaredType) field.asType()).asElement(),
                        annotation(field, "dev.tidemark.sync.entity.TombstoneCascade") != null, description(field)));
            } else if (annotation(field, "jakarta.persistence.OneToMany") != null) {
                Object mappedBy = value(annotation(field, "jakarta.persistence.OneToMany"), "mappedBy");
                List<? extends TypeMirror> args = ((DeclaredType) field.asType()).getTypeArguments();
                if (mappedBy == null || args.size() != 1) {
                    throw new IllegalArgumentException(entity.getSimpleName() + "." + name
                            + ": a synced one-to-many must be a List<Child> with mappedBy");
                }
                children.add(new Child(name, (TypeElement) ((DeclaredType) args.get(0)).asElement(), mappedBy.toString(),
                        description(field)));
            }
        }
        for (Column column : columns) {
            if (!List.of("java.lang.String", "java.util.UUID", "java.time.OffsetDateTime").contains(column.javaType())) {
                throw new IllegalArgumentException(entity.getSimpleName() + "." + column.field() + ": a synced column is a "
                        + "String, UUID or OffsetDateTime (the types the where filters and clients know), not " + column.javaType());
            }
        }
        return new TableModel(entity, packageName, entity.getSimpleName().toString(), columns, parents, children,
                throughs(entity));
    }

    /** The qualified name of a class type, without type annotations ({@code @NonNull}); else the type as written. */
    private static String typeName(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED
                ? ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString() : type.toString();
    }

    private static List<Through> throughs(TypeElement entity) {
        List<AnnotationMirror> found = new ArrayList<>();
        AnnotationMirror one = annotation(entity, "dev.tidemark.sync.entity.Through");
        AnnotationMirror many = annotation(entity, "dev.tidemark.sync.entity.Through.List");
        if (one != null) {
            found.add(one);
        }
        if (many != null) {
            for (Object item : (List<?>) value(many, "value")) {
                found.add((AnnotationMirror) ((AnnotationValue) item).getValue());
            }
        }
        return found.stream().map(a -> new Through(str(a, "name"), str(a, "via"), str(a, "to"), str(a, "description"))).toList();
    }

    private static String str(AnnotationMirror annotation, String name) {
        Object value = value(annotation, name);
        return value == null ? "" : value.toString();
    }

    private static String description(Element field) {
        AnnotationMirror d = annotation(field, "org.eclipse.microprofile.graphql.Description");
        return d == null ? null : (String) value(d, "value");
    }

    static AnnotationMirror annotation(Element element, String type) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            TypeElement annotationType = (TypeElement) mirror.getAnnotationType().asElement();
            if (annotationType.getQualifiedName().contentEquals(type)) {
                return mirror;
            }
        }
        return null;
    }

    static Object value(AnnotationMirror annotation, String name) {
        for (var entry : annotation.getElementValues().entrySet()) {
            ExecutableElement key = entry.getKey();
            if (key.getSimpleName().contentEquals(name)) {
                return entry.getValue().getValue();
            }
        }
        return null;
    }
}
