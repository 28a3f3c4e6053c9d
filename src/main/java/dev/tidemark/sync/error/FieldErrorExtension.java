package dev.tidemark.sync.error;

import jakarta.json.Json;
import jakarta.json.JsonValue;

import io.smallrye.graphql.api.ErrorExtensionProvider;

/**
 * Adds {@code extensions.field}, the input path a {@link SyncInputException} is about.
 *
 * <p>SmallRye loads providers with {@code ServiceLoader}, which in dev mode and tests may use
 * another class loader than the application's, so the exception is recognised by class name and
 * read reflectively rather than with {@code instanceof}.
 */
public class FieldErrorExtension implements ErrorExtensionProvider {

    @Override
    public String getKey() {
        return "field";
    }

    @Override
    public JsonValue mapValueFrom(Throwable exception) {
        for (Class<?> c = exception.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(SyncInputException.class.getName())) {
                return fieldOf(exception, c);
            }
        }
        return JsonValue.NULL;
    }

    private static JsonValue fieldOf(Throwable exception, Class<?> inputExceptionClass) {
        try {
            Object field = inputExceptionClass.getMethod("field").invoke(exception);
            return field == null ? JsonValue.NULL : Json.createValue(field.toString());
        } catch (ReflectiveOperationException e) {
            return JsonValue.NULL;
        }
    }
}
