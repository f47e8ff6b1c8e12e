package io.github.alexlab.cuda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test that needs a CUDA device. Without one it is reported as skipped, with the reason
 * ("skipped: no CUDA device (...)"). It is never skipped where an NVIDIA driver has created its device
 * files: there a missing library or a broken driver must fail the test, not hide behind a skip.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresCuda.Condition.class)
public @interface RequiresCuda {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Cuda.Availability cuda = Cuda.availability();
            if (cuda.available())
                return ConditionEvaluationResult.enabled("CUDA: " + cuda);
            if (Files.exists(Path.of("/dev/nvidiactl")))
                return ConditionEvaluationResult.enabled("an NVIDIA driver is present, so the test runs (and fails): " + cuda.reason());
            return ConditionEvaluationResult.disabled("skipped: no CUDA device (" + cuda.reason() + ")");
        }
    }
}
