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
 * A test that needs NVRTC, CUDA's compiler library, but no GPU. Without NVRTC it is reported as skipped,
 * with the reason. Like {@link RequiresCuda} it is never skipped where an NVIDIA driver is present:
 * there NVRTC belongs to the setup, and its absence must fail.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresNvrtc.Condition.class)
public @interface RequiresNvrtc {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String reason = Nvrtc.unavailableReason();
            if (reason.isEmpty())
                return ConditionEvaluationResult.enabled("NVRTC " + Nvrtc.version());
            if (Files.exists(Path.of("/dev/nvidiactl")))
                return ConditionEvaluationResult.enabled("an NVIDIA driver is present, so the test runs (and fails): " + reason);
            return ConditionEvaluationResult.disabled("skipped: no NVRTC (" + reason + ")");
        }
    }
}
