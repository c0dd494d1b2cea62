//! Files sent as downloads, for the pages and the API alike.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The clinician report as a PDF download.
pub fn pdf(file: keel_app::report::PdfFile) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.name),
            ),
        ],
        file.bytes,
    )
        .into_response()
}
