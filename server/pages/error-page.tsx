/** @jsxImportSource hono/jsx */
/**
 * A page that says what went wrong in words (a missing or damaged database,
 * an unknown run), never a stack trace.
 *
 * @module
 */
import { Layout } from "./layout.tsx";

/**
 * The error page.
 *
 * @example
 * ```tsx
 * c.html(<ErrorPage title="No run history" message={reason} />, 503);
 * ```
 */
export function ErrorPage(props: { title: string; message: string }) {
  return (
    <Layout title={props.title}>
      <div class="err-page">
        <h1>{props.title}</h1>
        <p class="error-message">{props.message}</p>
        <p><a href="/">Back to the runs</a></p>
      </div>
    </Layout>
  );
}
