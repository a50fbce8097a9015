//! The API description at `/api/v1/openapi.json`, built from the handlers' annotations by
//! the same calls that register the routes ([`super::routes`]).

use actix_web::get;
use actix_web::{web, HttpResponse};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(title = "signboard", description = "蒙汉双语牌匾审批服务 — bilingual sign approval"),
    components(schemas(
        crate::spec::SignSpec,
        crate::spec::Layout,
        crate::spec::Block,
        crate::stats::YearDetail,
        crate::error::ErrorBody,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Documents the errors the edge answers for every operation of a kind, so no handler has to
/// list them: 401 where a token is needed, 400/408/413/415/422 where a body is read, 400 for
/// query parameters, 404 for path parameters. A status a handler documents itself is kept.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                for (status, description) in edge_errors(op) {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error_response(description));
                }
            }
        }
    }
}

/// The error statuses the edge may answer for `op`, with their descriptions.
fn edge_errors(op: &Operation) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let has_param = |place: ParameterIn| {
        op.parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place)
    };
    if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
        out.push(("401", "not signed in, or the token is invalid or expired"));
        out.push((
            "403",
            "not allowed for this role, the account is disabled, or its password must be changed",
        ));
    }
    if op.request_body.is_some() {
        out.extend([
            ("400", "the body is not valid JSON or multipart"),
            ("408", "the client stopped sending the body"),
            ("413", "the body is too large"),
            ("415", "the body has the wrong content type"),
            ("422", "the body has the wrong shape or invalid fields"),
        ]);
    } else if has_param(ParameterIn::Query) {
        out.push(("400", "a query parameter is invalid"));
    }
    if has_param(ParameterIn::Path) {
        out.push(("404", "no such resource, or not visible to the user"));
    }
    out
}

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[utoipa::path(get, tag = "public",
    responses((status = 200, description = "this description")))]
#[get("/openapi.json")]
pub async fn serve(api: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(api.get_ref())
}

/// The served routes and their description, from the one route list ([`super::routes`]):
/// the app to serve, and the description (which it also holds, for `/openapi.json` and 405s).
pub fn app() -> (
    actix_web::App<
        impl actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    web::Data<utoipa::openapi::OpenApi>,
) {
    let (app, mut api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(super::routes)
        .split_for_parts();
    ErrorResponses.modify(&mut api);
    let api = web::Data::new(api);
    (app.app_data(api.clone()), api)
}
